// Canonical events -> Anthropic SSE, validated by @anthropic-ai/sdk's strict stream helper against a real local server.
import { afterAll, describe, expect, test } from "bun:test";
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import { anthropicFormat } from "../../../src/formats/anthropic/index.ts";
import { GatewayError } from "../../../src/canonical/errors.ts";
import { parseSse } from "../../../src/canonical/sse.ts";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";

const req: CanonicalRequest = { model: "claude-test", messages: [], stream: true, extra: {} };

/** The events the next request will be answered with (encoded by encodeStream, streamed as they are produced). */
let script: CanonicalEvent[] = [];
let lastFrames: string[] = [];

async function* play(events: CanonicalEvent[]): AsyncGenerator<CanonicalEvent> {
  for (const e of events) {
    await Bun.sleep(0);
    yield e;
  }
}

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    if (new URL(request.url).pathname !== "/v1/messages") return new Response("not found", { status: 404 });
    await request.json();
    lastFrames = [];
    const frames = anthropicFormat.encodeStream(play(script), req)[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await frames.next();
        if (next.done) {
          controller.close();
          return;
        }
        lastFrames.push(next.value);
        controller.enqueue(encoder.encode(next.value));
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  },
});
afterAll(() => server.stop(true));

const client = new Anthropic({ baseURL: `http://127.0.0.1:${server.port}`, apiKey: "x", maxRetries: 0 });

function run(events: CanonicalEvent[]) {
  script = events;
  return client.messages.stream({ model: "claude-test", max_tokens: 1024, messages: [{ role: "user", content: "hi" }] }).finalMessage();
}

/** The raw event sequence, checked against the official grammar: start, ping, non-overlapping blocks, delta, stop. */
async function rawEvents(): Promise<Array<{ event?: string; data: any }>> {
  const out: Array<{ event?: string; data: any }> = [];
  for await (const e of parseSse(new Response(lastFrames.join("")).body!)) out.push({ event: e.event, data: JSON.parse(e.data) });
  return out;
}

function assertGrammar(events: Array<{ event?: string; data: any }>) {
  expect(events[0].event).toBe("message_start");
  expect(events[1].event).toBe("ping");
  let open: number | undefined;
  let next = 0;
  for (const e of events.slice(2, -2)) {
    expect(e.data.type).toBe(e.event);
    if (e.event === "content_block_start") {
      expect(open).toBeUndefined();
      expect(e.data.index).toBe(next);
      open = next++;
    } else if (e.event === "content_block_delta") expect(e.data.index).toBe(open);
    else if (e.event === "content_block_stop") {
      expect(e.data.index).toBe(open);
      open = undefined;
    } else throw new Error(`unexpected ${e.event}`);
  }
  expect(open).toBeUndefined();
  expect(events.at(-2)!.event).toBe("message_delta");
  expect(events.at(-1)!.event).toBe("message_stop");
}

const usage = { inputTokens: 1500, outputTokens: 42, cacheReadTokens: 1000, cacheWriteTokens: 100, reasoningTokens: 10 };

describe("encodeStream through the official SDK", () => {
  test("thinking with signature, text, a tool call, usage and stop reason", async () => {
    const message = await run([
      {
        type: "start",
        id: "msg_abc",
        model: "claude-upstream",
        created: 1,
        usage: { inputTokens: 1500, cacheReadTokens: 1000, cacheWriteTokens: 100 },
      },
      { type: "reasoning-delta", text: "Let me " },
      { type: "reasoning-delta", text: "think." },
      { type: "reasoning-signature", signature: "sig-123" },
      { type: "text-delta", text: "Checking " },
      { type: "text-delta", text: "the weather." },
      { type: "tool-call-start", index: 0, id: "toolu_1", name: "get_weather" },
      { type: "tool-args-delta", index: 0, delta: '{"city":' },
      { type: "tool-args-delta", index: 0, delta: '"Paris"}' },
      { type: "tool-call-end", index: 0 },
      { type: "finish", reason: "tool-calls", usage },
    ]);
    expect(message.id).toBe("msg_abc");
    expect(message.model).toBe("claude-upstream");
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Let me think.", signature: "sig-123" },
      { type: "text", text: "Checking the weather." },
      { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
    ] as any);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.stop_sequence).toBeNull();
    expect(message.usage).toMatchObject({
      input_tokens: 400,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 100,
      output_tokens: 42,
    });
    const raw = await rawEvents();
    assertGrammar(raw);
    expect(raw[0].data.message.usage).toEqual({
      input_tokens: 400,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 1000,
      output_tokens: 0,
    });
    const thinkingStop = raw.findIndex((e) => e.event === "content_block_stop" && e.data.index === 0);
    expect(raw[thinkingStop - 1].data.delta).toEqual({ type: "signature_delta", signature: "sig-123" });
    expect(
      raw.find((e) => e.event === "content_block_start" && e.data.content_block.type === "tool_use")!.data.content_block.input,
    ).toEqual({});
  });

  test("parallel tool calls with interleaved deltas become valid, ordered, non-overlapping blocks", async () => {
    const message = await run([
      { type: "start", id: "msg_p", model: "gpt-x", created: 1 },
      { type: "text-delta", text: "Two lookups." },
      { type: "tool-call-start", index: 0, id: "call_a", name: "get_weather" },
      { type: "tool-args-delta", index: 0, delta: '{"ci' },
      { type: "tool-call-start", index: 1, id: "call_b", name: "get_time" },
      { type: "tool-args-delta", index: 1, delta: '{"zo' },
      { type: "tool-args-delta", index: 0, delta: 'ty":"Paris"}' },
      { type: "tool-args-delta", index: 1, delta: 'ne":"CET"}' },
      { type: "tool-call-start", index: 2, id: "call_c", name: "get_weather" },
      { type: "tool-args-delta", index: 2, delta: '{"city":"Rome"}' },
      { type: "tool-call-end", index: 2 },
      { type: "tool-call-end", index: 1 },
      { type: "tool-call-end", index: 0 },
      { type: "finish", reason: "stop", usage: { inputTokens: 20, outputTokens: 30 } },
    ]);
    expect(message.content).toEqual([
      { type: "text", text: "Two lookups." },
      { type: "tool_use", id: "call_a", name: "get_weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_b", name: "get_time", input: { zone: "CET" } },
      { type: "tool_use", id: "call_c", name: "get_weather", input: { city: "Rome" } },
    ] as any);
    // the upstream said "stop" but produced tool calls: Anthropic clients need tool_use to run them
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 30 });
    assertGrammar(await rawEvents());
  });

  test("text that arrives while a tool call's arguments are still streaming waits: no argument is lost", async () => {
    const message = await run([
      { type: "start", id: "msg_t", model: "gpt-x", created: 1 },
      { type: "tool-call-start", index: 0, id: "call_a", name: "write_file" },
      { type: "tool-args-delta", index: 0, delta: '{"path":"a.txt",' },
      { type: "text-delta", text: "Writing it now." },
      { type: "reasoning-delta", text: "short file" },
      { type: "tool-args-delta", index: 0, delta: '"content":"hello"}' },
      { type: "tool-call-end", index: 0 },
      { type: "text-delta", text: " Done." },
      { type: "tool-call-start", index: 1, id: "call_b", name: "run" },
      { type: "tool-args-delta", index: 1, delta: '{"cmd":' },
      { type: "text-delta", text: "Then this." },
      { type: "tool-args-delta", index: 1, delta: '"ls"}' },
      { type: "finish", reason: "tool-calls" },
    ]);
    expect(message.content).toEqual([
      { type: "tool_use", id: "call_a", name: "write_file", input: { path: "a.txt", content: "hello" } },
      { type: "text", text: "Writing it now." },
      { type: "thinking", thinking: "short file", signature: "" },
      { type: "text", text: " Done." },
      { type: "tool_use", id: "call_b", name: "run", input: { cmd: "ls" } },
      { type: "text", text: "Then this." },
    ] as any);
    assertGrammar(await rawEvents());
  });

  test("tool calls that never end are closed before finish; redacted thinking; no start event", async () => {
    const message = await run([
      { type: "redacted-reasoning", data: "opaque" },
      { type: "tool-call-start", index: 0, id: "t0", name: "a" },
      { type: "tool-call-start", index: 1, id: "t1", name: "b" },
      { type: "tool-args-delta", index: 1, delta: '{"x":1}' },
      { type: "tool-args-delta", index: 0, delta: '{"y":2}' },
      { type: "finish", reason: "tool-calls" },
    ]);
    expect(message.model).toBe("claude-test");
    expect(message.id).toStartWith("msg_");
    expect(message.content).toEqual([
      { type: "redacted_thinking", data: "opaque" },
      { type: "tool_use", id: "t0", name: "a", input: { y: 2 } },
      { type: "tool_use", id: "t1", name: "b", input: { x: 1 } },
    ] as any);
    assertGrammar(await rawEvents());
  });

  test("thinking with no signature still ends with a signature_delta, and text with a stop sequence", async () => {
    const message = await run([
      { type: "start", id: "msg_s", model: "m", created: 1 },
      { type: "reasoning-delta", text: "hmm" },
      { type: "text-delta", text: "Done" },
      { type: "finish", reason: "stop-sequence", stopSequence: "###", usage: { outputTokens: 3 } },
    ]);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "hmm", signature: "" },
      { type: "text", text: "Done" },
    ] as any);
    expect([message.stop_reason, message.stop_sequence]).toEqual(["stop_sequence", "###"]);
    assertGrammar(await rawEvents());
  });

  test("a canonical error mid-stream reaches the SDK as an Anthropic error event", async () => {
    const err = await run([
      { type: "start", id: "msg_e", model: "m", created: 1 },
      { type: "text-delta", text: "partial" },
      { type: "error", error: new GatewayError("rate_limit", "Rate limited upstream") },
    ]).catch((e) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(err.type).toBe("rate_limit_error");
    expect(String(err.message)).toContain("Rate limited upstream");
    expect(lastFrames.at(-1)).toStartWith("event: error\n");
  });

  test("a canonical stream that ends without finish becomes an api_error event, not a silent cut", async () => {
    const err = await run([
      { type: "start", id: "msg_c", model: "m", created: 1 },
      { type: "text-delta", text: "cut here" },
    ]).catch((e) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(err.type).toBe("api_error");
    const last = JSON.parse(lastFrames.at(-1)!.split("data: ")[1]);
    expect(last).toEqual({ type: "error", error: { type: "api_error", message: expect.stringContaining("ended") } });
  });
});
