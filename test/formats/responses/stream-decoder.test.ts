// responses' push StreamDecoder fed by hand: the same events as decodeStream, done at the terminal event or an error.
import { describe, expect, test } from "bun:test";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { responsesFormat } from "../../../src/formats/responses/index.ts";
import { feedByHand, sseEvents, stable, viaDecodeStream } from "../stream-decoder-support.ts";

function sse(events: Array<Record<string, unknown>>): string {
  return events.map((e, i) => `event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`).join("");
}

const RESPONSE = { id: "resp_1", object: "response", created_at: 1700000000, status: "in_progress", model: "gpt-5", output: [] };
const at = (item_id: string, output_index: number) => ({ item_id, output_index });

/** Reasoning in two summary parts, text, two function calls whose argument deltas interleave, the completion. */
const full = sse([
  { type: "response.created", response: RESPONSE },
  { type: "response.in_progress", response: RESPONSE },
  { type: "response.output_item.added", output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [] } },
  { type: "response.reasoning_summary_text.delta", ...at("rs_1", 0), summary_index: 0, delta: "Plan ☕" },
  { type: "response.reasoning_summary_part.added", ...at("rs_1", 0), summary_index: 1, part: { type: "summary_text", text: "" } },
  { type: "response.reasoning_summary_text.delta", ...at("rs_1", 0), summary_index: 1, delta: "Then act" },
  { type: "response.output_item.done", output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [] } },
  { type: "response.output_item.added", output_index: 1, item: { id: "msg_1", type: "message", content: [], role: "assistant" } },
  { type: "response.output_text.delta", ...at("msg_1", 1), content_index: 0, delta: "Héllo" },
  {
    type: "response.output_item.done",
    output_index: 1,
    item: { id: "msg_1", type: "message", content: [{ type: "output_text", text: "Héllo" }], role: "assistant" },
  },
  {
    type: "response.output_item.added",
    output_index: 2,
    item: { id: "fc_1", type: "function_call", call_id: "c1", name: "f", arguments: "" },
  },
  {
    type: "response.output_item.added",
    output_index: 3,
    item: { id: "fc_2", type: "function_call", call_id: "c2", name: "g", arguments: "" },
  },
  { type: "response.function_call_arguments.delta", ...at("fc_1", 2), delta: '{"a":' },
  { type: "response.function_call_arguments.delta", ...at("fc_2", 3), delta: '{"b":2}' },
  { type: "response.function_call_arguments.delta", ...at("fc_1", 2), delta: "1}" },
  { type: "response.function_call_arguments.done", ...at("fc_1", 2), arguments: '{"a":1}' },
  {
    type: "response.output_item.done",
    output_index: 2,
    item: { id: "fc_1", type: "function_call", call_id: "c1", name: "f", arguments: '{"a":1}' },
  },
  {
    type: "response.output_item.done",
    output_index: 3,
    item: { id: "fc_2", type: "function_call", call_id: "c2", name: "g", arguments: '{"b":2}' },
  },
  { type: "response.completed", response: { ...RESPONSE, status: "completed", usage: { input_tokens: 5, output_tokens: 7 } } },
  { type: "response.output_text.delta", ...at("msg_1", 1), content_index: 0, delta: "after the completion: never read" },
]).concat("data: [DONE]\n\n");

describe("createResponsesStreamDecoder", () => {
  test("a full stream (random splits, LF and CRLF) gives decodeStream's events; done at response.completed", async () => {
    for (let seed = 1; seed <= 20; seed++) {
      for (const text of [full, full.replaceAll("\n", "\r\n")]) {
        const events = await sseEvents(text, seed);
        const hand = feedByHand(responsesFormat, events);
        expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(responsesFormat, events)));
        expect(hand.doneAt).toBe(18);
        expect(hand.events).toEqual([
          { type: "start", id: "resp_1", model: "gpt-5", created: 1700000000 },
          { type: "reasoning-delta", text: "Plan ☕" },
          { type: "reasoning-delta", text: "\n\n" },
          { type: "reasoning-delta", text: "Then act" },
          { type: "text-delta", text: "Héllo" },
          { type: "tool-call-start", index: 0, id: "c1", name: "f" },
          { type: "tool-call-start", index: 1, id: "c2", name: "g" },
          { type: "tool-args-delta", index: 0, delta: '{"a":' },
          { type: "tool-args-delta", index: 1, delta: '{"b":2}' },
          { type: "tool-args-delta", index: 0, delta: "1}" },
          { type: "tool-call-end", index: 0 },
          { type: "tool-call-end", index: 1 },
          {
            type: "finish",
            reason: "tool-calls",
            usage: { inputTokens: 5, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
          },
        ]);
        expect(hand.fromEnd).toEqual([]);
        expect(hand.afterEnd).toEqual([]);
      }
    }
  });

  test("response.failed is the last event: done there, later events ignored, end() adds nothing", async () => {
    const events = await sseEvents(
      sse([
        { type: "response.created", response: RESPONSE },
        {
          type: "response.failed",
          response: { ...RESPONSE, status: "failed", error: { code: "rate_limit_exceeded", message: "Slow down" } },
        },
        { type: "response.output_text.delta", ...at("msg_1", 0), content_index: 0, delta: "never" },
        { type: "response.completed", response: { ...RESPONSE, status: "completed" } },
      ]),
    );
    const hand = feedByHand(responsesFormat, events);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(responsesFormat, events)));
    expect(hand.doneAt).toBe(1);
    expect(stable(hand.events.slice(1))).toEqual([{ type: "error", kind: "rate_limit", status: 429, message: "Slow down" }]);
    expect(hand.fromEnd).toEqual([]);
  });

  test("an error event and a frame that is not JSON end it too", async () => {
    for (const bad of [sse([{ type: "error", code: "server_error", message: "boom" }]), "data: {oops\n\n"]) {
      const events = await sseEvents(
        sse([{ type: "response.created", response: RESPONSE }]) + bad + sse([{ type: "response.completed", response: RESPONSE }]),
      );
      const hand = feedByHand(responsesFormat, events);
      expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(responsesFormat, events)));
      expect(hand.doneAt).toBe(1);
      expect(hand.events.map((e) => e.type)).toEqual(["start", "error"]);
    }
  });

  test("[DONE] does not end it, and a stream that ends before its terminal event ends in an upstream error", async () => {
    const events = await sseEvents(
      "data: [DONE]\n\n" +
        sse([
          { type: "response.output_text.delta", ...at("msg_1", 0), content_index: 0, delta: "no created first" },
          { type: "response.output_text.delta", ...at("msg_1", 0), content_index: 0, delta: " and cut" },
        ]),
    );
    const hand = feedByHand(responsesFormat, events);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(responsesFormat, events)));
    expect(hand.doneAt).toBe(-1);
    expect(hand.doneAfterEnd).toBe(true);
    expect(stable(hand.events.slice(0, 3))).toEqual([
      { type: "start", id: "", model: "", created: 0 },
      { type: "text-delta", text: "no created first" },
      { type: "text-delta", text: " and cut" },
    ]);
    expect(hand.fromEnd).toHaveLength(1);
    const [ended] = hand.fromEnd as [Extract<CanonicalEvent, { type: "error" }>];
    expect(ended.type).toBe("error");
    expect(ended.error.kind).toBe("upstream");
    expect(ended.error.message).toContain("ended before response.completed");
    expect(hand.afterEnd).toEqual([]);
  });
});
