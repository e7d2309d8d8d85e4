// The fake Anthropic upstream speaks the real wire format: checked with @anthropic-ai/sdk and with our own decoder.
import { afterAll, describe, expect, test } from "bun:test";
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import { startAnthropicUpstream } from "../../fakes/anthropic-upstream.ts";
import { anthropicFormat } from "../../../src/formats/anthropic/index.ts";
import { parseSse } from "../../../src/canonical/sse.ts";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import type { Scenario } from "../../fakes/scenario.ts";

const fake = startAnthropicUpstream();
afterAll(() => fake.close());
const client = new Anthropic({ baseURL: fake.url, apiKey: "x", maxRetries: 0 });
const params = { model: "claude-fake", max_tokens: 512, messages: [{ role: "user" as const, content: "hi" }] };

describe("fake Anthropic upstream with the official SDK", () => {
  test("text: streamed and not streamed, with cache-aware usage", async () => {
    fake.setScenario({
      kind: "text",
      text: "Hello there, friend.",
      chunks: 4,
      usage: { input: 100, output: 9, cacheRead: 60, cacheWrite: 10 },
    });
    const streamed = await client.messages.stream(params).finalMessage();
    expect(streamed.content).toEqual([{ type: "text", text: "Hello there, friend." }] as any);
    expect(streamed.stop_reason).toBe("end_turn");
    expect(streamed.usage).toMatchObject({
      input_tokens: 30,
      cache_read_input_tokens: 60,
      cache_creation_input_tokens: 10,
      output_tokens: 9,
    });
    const plain = await client.messages.create(params);
    expect(plain.content).toEqual([{ type: "text", text: "Hello there, friend." }] as any);
    expect(plain.usage).toMatchObject({ input_tokens: 30, output_tokens: 9 });
    expect(fake.requests.at(-1)!.path).toBe("/v1/messages");
    // SDK 1.x sends apiKey as `Authorization: Bearer` (0.x sent x-api-key): the key arrives either way.
    const headers = fake.requests.at(-1)!.headers;
    expect(headers["x-api-key"] ?? headers.authorization?.replace(/^Bearer /, "")).toBe("x");
  });

  test("length finish is max_tokens", async () => {
    fake.setScenario({ kind: "text", text: "Trunc", finish: "length" });
    expect((await client.messages.stream(params).finalMessage()).stop_reason).toBe("max_tokens");
  });

  test("thinking with its signature, then text", async () => {
    fake.setScenario({ kind: "thinking", thinking: "Pondering deeply.", signature: "sig-fake", text: "Answer." });
    const m = await client.messages.stream(params).finalMessage();
    expect(m.content).toEqual([
      { type: "thinking", thinking: "Pondering deeply.", signature: "sig-fake" },
      { type: "text", text: "Answer." },
    ] as any);
  });

  test("parallel tool calls with text first", async () => {
    fake.setScenario({
      kind: "tool-calls",
      text: "Looking up.",
      calls: [
        { id: "toolu_a", name: "weather", arguments: '{"city":"Paris"}' },
        { id: "toolu_b", name: "time", arguments: '{"zone":"CET","precise":true}' },
      ],
    });
    const m = await client.messages.stream(params).finalMessage();
    expect(m.content).toEqual([
      { type: "text", text: "Looking up." },
      { type: "tool_use", id: "toolu_a", name: "weather", input: { city: "Paris" } },
      { type: "tool_use", id: "toolu_b", name: "time", input: { zone: "CET", precise: true } },
    ] as any);
    expect(m.stop_reason).toBe("tool_use");
    const plain = await client.messages.create(params);
    expect(plain.content.map((b) => b.type)).toEqual(["text", "tool_use", "tool_use"]);
  });

  test("errors carry Anthropic's error type per status", async () => {
    for (const [status, type] of [
      [429, "rate_limit_error"],
      [529, "overloaded_error"],
      [401, "authentication_error"],
      [500, "api_error"],
    ] as const) {
      fake.setScenario({ kind: "error", status, message: `failure ${status}`, headers: { "retry-after": "3" } });
      const err = await client.messages.create(params).catch((e) => e);
      expect(err).toBeInstanceOf(APIError);
      expect(err.status).toBe(status);
      expect(err.type).toBe(type);
      expect(err.apiMessage).toBe(`failure ${status}`);
    }
    const res = await fetch(`${fake.url}/v1/messages`, { method: "POST", body: JSON.stringify(params) });
    expect(res.headers.get("retry-after")).toBe("3");
    expect(anthropicFormat.decodeErrorMessage(await res.text())).toBe("failure 500");
  });

  test("missing max_tokens is a 400 like the real API; unknown paths are 404 not_found_error", async () => {
    fake.setScenario({ kind: "text", text: "never" });
    const res = await fetch(`${fake.url}/v1/messages`, { method: "POST", body: JSON.stringify({ model: "m", messages: [] }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: expect.stringContaining("max_tokens") },
    });
    const missing = await fetch(`${fake.url}/v1/nothing`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.type).toBe("not_found_error");
  });

  test("a cut stream fails in the SDK; our decoder reports an error after the partial text", async () => {
    fake.setScenario({ kind: "cut", text: "abcdefghij", afterChunks: 2 });
    await expect(client.messages.stream(params).finalMessage()).rejects.toThrow();
    const res = await fetch(`${fake.url}/v1/messages`, { method: "POST", body: JSON.stringify({ ...params, stream: true }) });
    const events: CanonicalEvent[] = [];
    try {
      for await (const e of anthropicFormat.decodeStream(parseSse(res.body!))) events.push(e);
    } catch {
      /* the connection error itself */
    }
    // Bun may drop the frame written just before the reset, so at least one of the two pieces arrives.
    const pieces = events.filter((e) => e.type === "text-delta").length;
    expect(pieces).toBeGreaterThanOrEqual(1);
    expect(pieces).toBeLessThanOrEqual(2);
    expect(events.some((e) => e.type === "finish")).toBe(false);
  });

  test("hang: the SDK times out and the fake sees the abort", async () => {
    fake.setScenario({ kind: "hang" });
    const before = fake.aborted;
    const err = await client.messages.create(params, { timeout: 200 }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    await Bun.sleep(50);
    expect(fake.aborted).toBeGreaterThan(before);
  });

  test("our decoder reads the fake's stream into canonical events with correct usage", async () => {
    fake.setScenario({
      kind: "tool-calls",
      calls: [{ id: "toolu_z", name: "f", arguments: '{"a":1}' }],
      usage: { input: 50, output: 5, cacheRead: 20 },
    });
    const res = await fetch(`${fake.url}/v1/messages`, { method: "POST", body: JSON.stringify({ ...params, stream: true }) });
    const events: CanonicalEvent[] = [];
    for await (const e of anthropicFormat.decodeStream(parseSse(res.body!))) events.push(e);
    const args = events
      .filter((e) => e.type === "tool-args-delta")
      .map((e) => (e.type === "tool-args-delta" ? e.delta : ""))
      .join("");
    expect(JSON.parse(args)).toEqual({ a: 1 });
    expect(events.at(-1)).toEqual({
      type: "finish",
      reason: "tool-calls",
      usage: { inputTokens: 50, outputTokens: 5, cacheReadTokens: 20, cacheWriteTokens: 0, reasoningTokens: 0 },
    });
  });
});

describe("decodeStream then encodeStream (Anthropic -> canonical -> Anthropic)", () => {
  const proxy = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const body = (await request.json()) as any;
      const upstream = await fetch(`${fake.url}/v1/messages`, { method: "POST", body: JSON.stringify(body) });
      const canonical = anthropicFormat.decodeRequest(body);
      const frames = anthropicFormat.encodeStream(anthropicFormat.decodeStream(parseSse(upstream.body!)), canonical);
      const encoder = new TextEncoder();
      const iterator = frames[Symbol.asyncIterator]();
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(c) {
            const n = await iterator.next();
            if (n.done) c.close();
            else c.enqueue(encoder.encode(n.value));
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      );
    },
  });
  afterAll(() => proxy.stop(true));
  const viaProxy = new Anthropic({ baseURL: `http://127.0.0.1:${proxy.port}`, apiKey: "x", maxRetries: 0 });

  test("the SDK gets the same final message through the translation as directly", async () => {
    const scenarios: Scenario[] = [
      {
        kind: "thinking",
        thinking: "Hmm, let me see.",
        signature: "sig-rt",
        text: "Forty-two.",
        usage: { input: 300, output: 40, cacheRead: 200, cacheWrite: 50 },
      },
      {
        kind: "tool-calls",
        text: "Calling.",
        calls: [
          { id: "toolu_1", name: "a", arguments: '{"x":[1,2]}' },
          { id: "toolu_2", name: "b", arguments: "{}" },
        ],
      },
    ];
    for (const scenario of scenarios) {
      fake.setScenario(scenario);
      const direct = await client.messages.stream(params).finalMessage();
      const translated = await viaProxy.messages.stream(params).finalMessage();
      expect(translated.content).toEqual(direct.content);
      expect(translated.stop_reason).toBe(direct.stop_reason);
      expect(translated.model).toBe(direct.model);
      expect(translated.usage).toMatchObject({
        input_tokens: direct.usage.input_tokens,
        output_tokens: direct.usage.output_tokens,
        cache_read_input_tokens: direct.usage.cache_read_input_tokens,
        cache_creation_input_tokens: direct.usage.cache_creation_input_tokens,
      });
    }
  });
});
