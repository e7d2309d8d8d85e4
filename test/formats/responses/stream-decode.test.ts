// Decoding an upstream's Responses SSE stream into canonical events, whatever the byte splits.
import { describe, expect, test } from "bun:test";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { parseSse } from "../../../src/canonical/sse.ts";
import { responsesFormat as f } from "../../../src/formats/responses/index.ts";
import { packSignature } from "../../../src/formats/responses/reasoning-signature.ts";

function sse(events: Array<Record<string, unknown>>): string {
  return events.map((e, i) => `event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`).join("");
}

/** The text as a byte stream cut at random places (a fixed seed, so a failure reproduces). */
function randomChunks(text: string, seed: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rand() * 40);
    chunks.push(bytes.slice(i, i + n));
    i += n;
  }
  return new ReadableStream({
    pull(c) {
      const next = chunks.shift();
      if (next) c.enqueue(next);
      else c.close();
    },
  });
}

async function decode(text: string, seed = 1): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for await (const e of f.decodeStream(parseSse(randomChunks(text, seed)))) out.push(e);
  return out;
}

const RESPONSE = {
  id: "resp_abc",
  object: "response",
  created_at: 1700000000,
  status: "in_progress",
  model: "gpt-5",
  output: [],
  usage: null,
};
const at = (item_id: string, output_index: number) => ({ item_id, output_index });

/** A stream as api.openai.com sends it: reasoning with two summary parts (one with a multi-byte char), text, two calls. */
const REALISTIC = sse([
  { type: "response.created", response: RESPONSE },
  { type: "response.in_progress", response: RESPONSE },
  { type: "response.output_item.added", output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [] } },
  { type: "response.reasoning_summary_part.added", ...at("rs_1", 0), summary_index: 0, part: { type: "summary_text", text: "" } },
  { type: "response.reasoning_summary_text.delta", ...at("rs_1", 0), summary_index: 0, delta: "**Plan** " },
  { type: "response.reasoning_summary_text.delta", ...at("rs_1", 0), summary_index: 0, delta: "café ☕" },
  { type: "response.reasoning_summary_text.done", ...at("rs_1", 0), summary_index: 0, text: "**Plan** café ☕" },
  {
    type: "response.reasoning_summary_part.done",
    ...at("rs_1", 0),
    summary_index: 0,
    part: { type: "summary_text", text: "**Plan** café ☕" },
  },
  { type: "response.reasoning_summary_part.added", ...at("rs_1", 0), summary_index: 1, part: { type: "summary_text", text: "" } },
  { type: "response.reasoning_summary_text.delta", ...at("rs_1", 0), summary_index: 1, delta: "then act" },
  { type: "response.reasoning_summary_text.done", ...at("rs_1", 0), summary_index: 1, text: "then act" },
  { type: "response.reasoning_summary_part.done", ...at("rs_1", 0), summary_index: 1, part: { type: "summary_text", text: "then act" } },
  {
    type: "response.output_item.done",
    output_index: 0,
    item: {
      id: "rs_1",
      type: "reasoning",
      summary: [
        { type: "summary_text", text: "**Plan** café ☕" },
        { type: "summary_text", text: "then act" },
      ],
      encrypted_content: "gAAAAB_enc",
    },
  },
  {
    type: "response.output_item.added",
    output_index: 1,
    item: { id: "msg_1", type: "message", status: "in_progress", content: [], role: "assistant" },
  },
  {
    type: "response.content_part.added",
    ...at("msg_1", 1),
    content_index: 0,
    part: { type: "output_text", annotations: [], logprobs: [], text: "" },
  },
  { type: "response.output_text.delta", ...at("msg_1", 1), content_index: 0, delta: "Checking ", logprobs: [] },
  { type: "response.output_text.delta", ...at("msg_1", 1), content_index: 0, delta: "both.", logprobs: [] },
  { type: "response.output_text.done", ...at("msg_1", 1), content_index: 0, text: "Checking both.", logprobs: [] },
  {
    type: "response.content_part.done",
    ...at("msg_1", 1),
    content_index: 0,
    part: { type: "output_text", annotations: [], logprobs: [], text: "Checking both." },
  },
  {
    type: "response.output_item.done",
    output_index: 1,
    item: {
      id: "msg_1",
      type: "message",
      status: "completed",
      content: [{ type: "output_text", annotations: [], text: "Checking both." }],
      role: "assistant",
    },
  },
  {
    type: "response.output_item.added",
    output_index: 2,
    item: { id: "fc_1", type: "function_call", status: "in_progress", arguments: "", call_id: "call_a", name: "weather" },
  },
  { type: "response.function_call_arguments.delta", ...at("fc_1", 2), delta: '{"city":' },
  { type: "response.function_call_arguments.delta", ...at("fc_1", 2), delta: '"Paris"}' },
  { type: "response.function_call_arguments.done", ...at("fc_1", 2), arguments: '{"city":"Paris"}' },
  {
    type: "response.output_item.done",
    output_index: 2,
    item: { id: "fc_1", type: "function_call", status: "completed", arguments: '{"city":"Paris"}', call_id: "call_a", name: "weather" },
  },
  {
    type: "response.output_item.added",
    output_index: 3,
    item: { id: "fc_2", type: "function_call", status: "in_progress", arguments: "", call_id: "call_b", name: "time" },
  },
  { type: "response.function_call_arguments.delta", ...at("fc_2", 3), delta: "{}" },
  { type: "response.function_call_arguments.done", ...at("fc_2", 3), arguments: "{}" },
  {
    type: "response.output_item.done",
    output_index: 3,
    item: { id: "fc_2", type: "function_call", status: "completed", arguments: "{}", call_id: "call_b", name: "time" },
  },
  {
    type: "response.completed",
    response: {
      ...RESPONSE,
      status: "completed",
      usage: {
        input_tokens: 50,
        input_tokens_details: { cached_tokens: 20 },
        output_tokens: 90,
        output_tokens_details: { reasoning_tokens: 64 },
        total_tokens: 140,
      },
    },
  },
]);

const EXPECTED: CanonicalEvent[] = [
  { type: "start", id: "resp_abc", model: "gpt-5", created: 1700000000 },
  { type: "reasoning-delta", text: "**Plan** " },
  { type: "reasoning-delta", text: "café ☕" },
  { type: "reasoning-delta", text: "\n\n" },
  { type: "reasoning-delta", text: "then act" },
  { type: "reasoning-signature", signature: packSignature("rs_1", "gAAAAB_enc") },
  { type: "text-delta", text: "Checking " },
  { type: "text-delta", text: "both." },
  { type: "tool-call-start", index: 0, id: "call_a", name: "weather" },
  { type: "tool-args-delta", index: 0, delta: '{"city":' },
  { type: "tool-args-delta", index: 0, delta: '"Paris"}' },
  { type: "tool-call-end", index: 0 },
  { type: "tool-call-start", index: 1, id: "call_b", name: "time" },
  { type: "tool-args-delta", index: 1, delta: "{}" },
  { type: "tool-call-end", index: 1 },
  {
    type: "finish",
    reason: "tool-calls",
    usage: { inputTokens: 50, outputTokens: 90, cacheReadTokens: 20, cacheWriteTokens: 0, reasoningTokens: 64 },
  },
];

describe("decodeStream", () => {
  test("a realistic stream decodes the same under any byte split", async () => {
    for (const seed of [1, 7, 42, 1234, 99991]) {
      expect(await decode(REALISTIC, seed)).toEqual(EXPECTED);
    }
  });

  test("CRLF line endings decode the same", async () => {
    expect(await decode(REALISTIC.replaceAll("\n", "\r\n"), 3)).toEqual(EXPECTED);
  });

  test("response.incomplete is a length finish", async () => {
    const events = await decode(
      sse([
        { type: "response.created", response: RESPONSE },
        {
          type: "response.output_item.added",
          output_index: 0,
          item: { id: "msg_1", type: "message", status: "in_progress", content: [], role: "assistant" },
        },
        { type: "response.output_text.delta", ...at("msg_1", 0), content_index: 0, delta: "cut" },
        {
          type: "response.incomplete",
          response: {
            ...RESPONSE,
            status: "incomplete",
            incomplete_details: { reason: "max_output_tokens" },
            usage: { input_tokens: 1, output_tokens: 2 },
          },
        },
      ]),
    );
    expect(events.at(-1)).toEqual({
      type: "finish",
      reason: "length",
      usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    });
  });

  test("response.failed and error events become canonical errors", async () => {
    const failed = await decode(
      sse([
        { type: "response.created", response: RESPONSE },
        {
          type: "response.failed",
          response: { ...RESPONSE, status: "failed", error: { code: "rate_limit_exceeded", message: "Rate limit reached" } },
        },
      ]),
    );
    expect(failed).toHaveLength(2);
    const e1 = failed[1] as Extract<CanonicalEvent, { type: "error" }>;
    expect(e1.type).toBe("error");
    expect(e1.error.kind).toBe("rate_limit");
    expect(e1.error.message).toBe("Rate limit reached");

    // The documented flat shape and the nested shape the API actually sends.
    for (const body of [
      { type: "error", code: "server_error", message: "boom", param: null },
      { type: "error", error: { type: "server_error", code: "server_error", message: "boom" } },
    ]) {
      const events = await decode(sse([{ type: "response.created", response: RESPONSE }, body]));
      const err = events[1] as Extract<CanonicalEvent, { type: "error" }>;
      expect(err.type).toBe("error");
      expect(err.error.message).toBe("boom");
      expect(err.error.kind).toBe("upstream");
    }
  });

  test("items sent whole (no deltas) still produce their text and arguments", async () => {
    const events = await decode(
      sse([
        { type: "response.created", response: RESPONSE },
        {
          type: "response.output_item.added",
          output_index: 0,
          item: { id: "msg_1", type: "message", status: "in_progress", content: [], role: "assistant" },
        },
        {
          type: "response.output_item.done",
          output_index: 0,
          item: { id: "msg_1", type: "message", status: "completed", content: [{ type: "output_text", text: "whole" }], role: "assistant" },
        },
        {
          type: "response.output_item.done",
          output_index: 1,
          item: { id: "fc_1", type: "function_call", status: "completed", arguments: '{"a":1}', call_id: "c1", name: "f" },
        },
        { type: "response.completed", response: { ...RESPONSE, status: "completed" } },
      ]),
    );
    expect(events.slice(1)).toEqual([
      { type: "text-delta", text: "whole" },
      { type: "tool-call-start", index: 0, id: "c1", name: "f" },
      { type: "tool-args-delta", index: 0, delta: '{"a":1}' },
      { type: "tool-call-end", index: 0 },
      { type: "finish", reason: "tool-calls" },
    ]);
  });

  test("raw reasoning_text deltas (open-weight models) are reasoning too", async () => {
    const events = await decode(
      sse([
        { type: "response.created", response: RESPONSE },
        { type: "response.output_item.added", output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [], content: [] } },
        { type: "response.reasoning_text.delta", ...at("rs_1", 0), content_index: 0, delta: "raw thought" },
        {
          type: "response.output_item.done",
          output_index: 0,
          item: { id: "rs_1", type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "raw thought" }] },
        },
        { type: "response.completed", response: { ...RESPONSE, status: "completed" } },
      ]),
    );
    expect(events.slice(1)).toEqual([
      { type: "reasoning-delta", text: "raw thought" },
      { type: "finish", reason: "stop" },
    ]);
  });
});
