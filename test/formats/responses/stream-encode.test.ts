// Encoding canonical events as the Responses SSE sequence, validated by the openai SDK's strict stream helpers.
import { afterEach, describe, expect, test } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { responsesFormat as f } from "../../../src/formats/responses/index.ts";
import { packSignature } from "../../../src/formats/responses/reasoning-signature.ts";
import { encodeAll, serveEncoder, type EncoderServer } from "./serve.ts";

const USAGE = { inputTokens: 50, outputTokens: 90, cacheReadTokens: 20, cacheWriteTokens: 0, reasoningTokens: 64 };
const req = f.decodeRequest({ model: "gpt-5", input: "weather and time?", stream: true });

/** Reasoning, text, then two parallel calls whose argument deltas interleave (as Anthropic or Chat upstreams may send). */
const MIXED: CanonicalEvent[] = [
  { type: "start", id: "chatcmpl-9", model: "gpt-5", created: 1700000000 },
  { type: "reasoning-delta", text: "Need two " },
  { type: "reasoning-delta", text: "tools." },
  { type: "reasoning-signature", signature: packSignature("rs_up", "gAAAAenc") },
  { type: "text-delta", text: "Let me " },
  { type: "text-delta", text: "check." },
  { type: "tool-call-start", index: 0, id: "call_a", name: "weather" },
  { type: "tool-call-start", index: 1, id: "call_b", name: "time" },
  { type: "tool-args-delta", index: 0, delta: '{"city":' },
  { type: "tool-args-delta", index: 1, delta: '{"tz":' },
  { type: "tool-args-delta", index: 0, delta: '"Paris"}' },
  { type: "tool-args-delta", index: 1, delta: '"CET"}' },
  { type: "tool-call-end", index: 1 },
  { type: "tool-call-end", index: 0 },
  { type: "usage", usage: { inputTokens: 50, cacheReadTokens: 20 } },
  { type: "finish", reason: "tool-calls", usage: { outputTokens: 90, reasoningTokens: 64 } },
];

let server: EncoderServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("encodeStream: the event sequence", () => {
  test("the official order, sequence numbers from 0, item ids and indices", async () => {
    const frames = await encodeAll(MIXED, req);
    for (const [i, fr] of frames.entries()) {
      expect(fr.data.sequence_number).toBe(i);
      expect(fr.data.type).toBe(fr.event);
    }
    expect(frames.map((fr) => fr.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const byType = (t: string) => frames.filter((fr) => fr.event === t).map((fr) => fr.data);
    expect(frames[0].data.response).toMatchObject({ id: "resp_chatcmpl-9", status: "in_progress", output: [], model: "gpt-5" });
    const added = byType("response.output_item.added");
    expect(added.map((a) => [a.output_index, a.item.type])).toEqual([
      [0, "reasoning"],
      [1, "message"],
      [2, "function_call"],
      [3, "function_call"],
    ]);
    expect(added[0].item.id).toMatch(/^rs_/);
    expect(added[1].item.id).toMatch(/^msg_/);
    expect(added[2].item).toMatchObject({
      type: "function_call",
      status: "in_progress",
      arguments: "",
      call_id: "call_a",
      name: "weather",
    });
    expect(added[2].item.id).toMatch(/^fc_/);
    const deltas = byType("response.function_call_arguments.delta");
    expect(deltas.map((d) => [d.output_index, d.item_id, d.delta])).toEqual([
      [2, added[2].item.id, '{"city":'],
      [3, added[3].item.id, '{"tz":'],
      [2, added[2].item.id, '"Paris"}'],
      [3, added[3].item.id, '"CET"}'],
    ]);
    for (const d of byType("response.output_text.delta"))
      expect(d).toMatchObject({ item_id: added[1].item.id, output_index: 1, content_index: 0 });
    const done = byType("response.output_item.done");
    expect(done[0].item).toEqual({
      id: added[0].item.id,
      type: "reasoning",
      summary: [{ type: "summary_text", text: "Need two tools." }],
      encrypted_content: "gAAAAenc",
    });
    const completed = frames.at(-1)!.data.response;
    expect(completed.status).toBe("completed");
    expect(completed.output.map((o: any) => o.id)).toEqual(added.map((a) => a.item.id));
    expect(completed.usage).toEqual({
      input_tokens: 50,
      input_tokens_details: { cached_tokens: 20, cache_write_tokens: 0 },
      output_tokens: 90,
      output_tokens_details: { reasoning_tokens: 64 },
      total_tokens: 140,
    });
  });

  test("a stream cut before finish, an error event, and a thrown upstream all end in response.failed", async () => {
    const cut = await encodeAll(
      [
        { type: "start", id: "r", model: "m", created: 1 },
        { type: "text-delta", text: "par" },
      ],
      req,
    );
    expect(cut.at(-1)!.event).toBe("response.failed");
    expect(cut.at(-1)!.data.response).toMatchObject({ status: "failed", error: { code: "server_error" } });
    expect(cut.at(-1)!.data.response.output[0]).toMatchObject({
      type: "message",
      status: "incomplete",
      content: [{ type: "output_text", text: "par" }],
    });

    const errored = await encodeAll(
      [
        { type: "start", id: "r", model: "m", created: 1 },
        { type: "error", error: new GatewayError("rate_limit", "Upstream rate limited") },
      ],
      req,
    );
    expect(errored.map((fr) => fr.event)).toEqual(["response.created", "response.in_progress", "response.failed"]);
    expect(errored[2].data.response.error).toMatchObject({ code: "rate_limit_exceeded", message: "Upstream rate limited" });

    async function* broken(): AsyncGenerator<CanonicalEvent> {
      yield { type: "start", id: "r", model: "m", created: 1 };
      throw new Error("socket hang up");
    }
    const thrown: string[] = [];
    for await (const frame of f.encodeStream(broken(), req)) thrown.push(frame);
    expect(thrown.at(-1)).toStartWith("event: response.failed\n");
    expect(thrown.at(-1)).toContain("socket hang up");
  });

  test("without a start event the response is still created first", async () => {
    const frames = await encodeAll(
      [
        { type: "text-delta", text: "hi" },
        { type: "finish", reason: "stop" },
      ],
      req,
    );
    expect(frames.map((fr) => fr.event).slice(0, 3)).toEqual(["response.created", "response.in_progress", "response.output_item.added"]);
    expect(frames[0].data.response.id).toMatch(/^resp_/);
    expect(frames.at(-1)!.data.response.id).toBe(frames[0].data.response.id);
    expect(frames.at(-1)!.event).toBe("response.completed");
  });

  test("encrypted reasoning with no text is an item of its own, keeping the upstream id", async () => {
    const frames = await encodeAll(
      [
        { type: "start", id: "resp_1", model: "m", created: 1 },
        { type: "reasoning-signature", signature: packSignature("rs_orig", "ENC") },
        { type: "text-delta", text: "hi" },
        { type: "finish", reason: "stop" },
      ],
      req,
    );
    expect(frames[2].data).toMatchObject({
      type: "response.output_item.added",
      output_index: 0,
      item: { id: "rs_orig", type: "reasoning", summary: [] },
    });
    expect(frames[3].data).toMatchObject({
      type: "response.output_item.done",
      output_index: 0,
      item: { id: "rs_orig", summary: [], encrypted_content: "ENC" },
    });
  });
});

describe("encodeStream: the openai SDK accepts it", () => {
  test("responses.stream().finalResponse(): reasoning, text, interleaved parallel calls, usage", async () => {
    server = serveEncoder({ events: MIXED });
    const stream = server.client.responses.stream({ model: "gpt-5", input: "weather and time?" });
    const textDeltas: string[] = [];
    stream.on("response.output_text.delta", (e) => textDeltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(textDeltas).toEqual(["Let me ", "check."]);
    expect(final.output_text).toBe("Let me check.");
    expect(final.status).toBe("completed");
    const calls = final.output.filter((o) => o.type === "function_call");
    expect(calls.map((c) => [c.call_id, c.name, c.arguments])).toEqual([
      ["call_a", "weather", '{"city":"Paris"}'],
      ["call_b", "time", '{"tz":"CET"}'],
    ]);
    const reasoning = final.output.find((o) => o.type === "reasoning");
    expect(reasoning?.type === "reasoning" && reasoning.summary).toEqual([{ type: "summary_text", text: "Need two tools." }]);
    expect(final.usage).toMatchObject({
      input_tokens: 50,
      output_tokens: 90,
      total_tokens: 140,
      input_tokens_details: { cached_tokens: 20 },
      output_tokens_details: { reasoning_tokens: 64 },
    });
    expect(server.requests[0].stream).toBe(true);
  });

  test("responses.create({ stream: true }) iterates every event in order", async () => {
    server = serveEncoder({ events: MIXED });
    const stream = await server.client.responses.create({ model: "gpt-5", input: "weather and time?", stream: true });
    const seen: number[] = [];
    let completed: any;
    let args = "";
    for await (const event of stream) {
      seen.push(event.sequence_number);
      if (event.type === "response.function_call_arguments.delta" && event.output_index === 2) args += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(seen).toEqual([...Array(seen.length).keys()]);
    expect(args).toBe('{"city":"Paris"}');
    expect(completed.output_text ?? completed.output.find((o: any) => o.type === "message").content[0].text).toBe("Let me check.");
  });

  test("a length-limited answer is response.incomplete; the SDK reports it", async () => {
    server = serveEncoder({
      events: [
        { type: "start", id: "r1", model: "m", created: 1 },
        { type: "text-delta", text: "Once upon" },
        { type: "finish", reason: "length", usage: { inputTokens: 3, outputTokens: 2 } },
      ],
    });
    const final = await server.client.responses.stream({ model: "m", input: "story", max_output_tokens: 2 }).finalResponse();
    expect(final.status).toBe("incomplete");
    expect(final.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(final.output_text).toBe("Once upon");
  });

  test("a failed stream reaches the SDK as a failed response with its error", async () => {
    server = serveEncoder({
      events: [
        { type: "start", id: "r1", model: "m", created: 1 },
        { type: "text-delta", text: "Hal" },
        { type: "error", error: new GatewayError("upstream", "The upstream went away") },
      ],
    });
    const final = await server.client.responses.stream({ model: "m", input: "x" }).finalResponse();
    expect(final.status).toBe("failed");
    expect(final.error).toMatchObject({ code: "server_error", message: "The upstream went away" });
  });

  test("text after a tool call opens a new message; custom tools stream as custom_tool_call", async () => {
    server = serveEncoder({
      events: [
        { type: "start", id: "r1", model: "m", created: 1 },
        { type: "tool-call-start", index: 0, id: "c1", name: "apply_patch" },
        { type: "tool-args-delta", index: 0, delta: "*** Begin Patch\n" },
        { type: "tool-args-delta", index: 0, delta: "*** End Patch" },
        { type: "text-delta", text: "patched" },
        { type: "finish", reason: "tool-calls" },
      ],
    });
    const final = await server.client.responses
      .stream({
        model: "m",
        input: "fix it",
        tools: [{ type: "custom", name: "apply_patch", description: "patch" }],
      })
      .finalResponse();
    expect(final.output.map((o) => o.type)).toEqual(["custom_tool_call", "message"]);
    expect(final.output[0]).toMatchObject({
      type: "custom_tool_call",
      call_id: "c1",
      name: "apply_patch",
      input: "*** Begin Patch\n*** End Patch",
    });
    expect(final.output_text).toBe("patched");
  });
});
