// anthropic's push StreamDecoder fed by hand: the same events as decodeStream, done at message_stop or an error.
import { describe, expect, test } from "bun:test";
import { anthropicFormat } from "../../../src/formats/anthropic/index.ts";
import { feedByHand, sseEvents, stable, viaDecodeStream } from "../stream-decoder-support.ts";

const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const start = ev("message_start", {
  message: {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4",
    content: [],
    usage: { input_tokens: 40, output_tokens: 1 },
  },
});
const delta = (index: number, d: Record<string, unknown>) => ev("content_block_delta", { index, delta: d });

/** Thinking with its signature, text, a ping, a tool whose input comes whole in its start, a streamed tool, the stop. */
const full = [
  start,
  ev("content_block_start", { index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }),
  delta(0, { type: "thinking_delta", thinking: "Let me thínk." }),
  delta(0, { type: "signature_delta", signature: "SIG" }),
  ev("content_block_stop", { index: 0 }),
  ev("ping", {}),
  ev("content_block_start", { index: 1, content_block: { type: "text", text: "" } }),
  delta(1, { type: "text_delta", text: "Checking ☀️" }),
  ev("content_block_stop", { index: 1 }),
  ev("content_block_start", { index: 2, content_block: { type: "tool_use", id: "toolu_A", name: "weather", input: { city: "Rome" } } }),
  ev("content_block_stop", { index: 2 }),
  ev("content_block_start", { index: 3, content_block: { type: "tool_use", id: "toolu_B", name: "time", input: {} } }),
  delta(3, { type: "input_json_delta", partial_json: '{"tz":' }),
  delta(3, { type: "input_json_delta", partial_json: '"CET"}' }),
  ev("content_block_stop", { index: 3 }),
  ev("message_delta", { delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 50 } }),
  ev("message_stop", {}),
  delta(1, { type: "text_delta", text: "after message_stop: never read" }),
].join("");

const usage = { inputTokens: 40, outputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

describe("createAnthropicStreamDecoder", () => {
  test("a full stream (random splits, LF and CRLF) gives decodeStream's events; done at message_stop; end() adds nothing", async () => {
    for (let seed = 1; seed <= 20; seed++) {
      for (const text of [full, full.replaceAll("\n", "\r\n")]) {
        const sse = await sseEvents(text, seed);
        const hand = feedByHand(anthropicFormat, sse);
        expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(anthropicFormat, sse)));
        expect(hand.doneAt).toBe(16);
        expect(stable(hand.events).slice(1)).toEqual([
          { type: "reasoning-delta", text: "Let me thínk." },
          { type: "reasoning-signature", signature: "SIG" },
          { type: "text-delta", text: "Checking ☀️" },
          { type: "tool-call-start", index: 0, id: "toolu_A", name: "weather" },
          { type: "tool-args-delta", index: 0, delta: '{"city":"Rome"}' },
          { type: "tool-call-end", index: 0 },
          { type: "tool-call-start", index: 1, id: "toolu_B", name: "time" },
          { type: "tool-args-delta", index: 1, delta: '{"tz":' },
          { type: "tool-args-delta", index: 1, delta: '"CET"}' },
          { type: "tool-call-end", index: 1 },
          { type: "usage", usage },
          { type: "finish", reason: "tool-calls", usage },
        ]);
        expect(hand.fromEnd).toEqual([]);
        expect(hand.afterEnd).toEqual([]);
      }
    }
  });

  test("an error event is the last event: done there, later events ignored, end() adds nothing", async () => {
    const sse = await sseEvents(
      [
        start,
        ev("error", { error: { type: "overloaded_error", message: "Overloaded" } }),
        ev("content_block_start", { index: 0, content_block: { type: "text", text: "never" } }),
        ev("message_stop", {}),
      ].join(""),
    );
    const hand = feedByHand(anthropicFormat, sse);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(anthropicFormat, sse)));
    expect(hand.doneAt).toBe(1);
    expect(stable(hand.events.slice(1))).toEqual([{ type: "error", kind: "upstream", status: 529, message: "Overloaded" }]);
    expect(hand.fromEnd).toEqual([]);
    expect(hand.afterEnd).toEqual([]);
  });

  test("a stream cut before message_stop: not done until end(), which gives the error", async () => {
    const sse = await sseEvents(full.slice(0, full.indexOf("event: message_delta")));
    const hand = feedByHand(anthropicFormat, sse);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(anthropicFormat, sse)));
    expect(hand.doneAt).toBe(-1);
    expect(hand.doneAfterEnd).toBe(true);
    expect(stable(hand.fromEnd)).toEqual([
      { type: "error", kind: "upstream", status: 502, message: "The upstream stream ended before message_stop: the answer is incomplete" },
    ]);
    expect(hand.afterEnd).toEqual([]);
  });

  test("content before message_start gets a bare start first; a frame that is not JSON ends it", async () => {
    const sse = await sseEvents(
      [ev("content_block_start", { index: 0, content_block: { type: "text", text: "hi" } }), "event: ping\ndata: {oops\n\n", start].join(
        "",
      ),
    );
    const hand = feedByHand(anthropicFormat, sse);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(anthropicFormat, sse)));
    expect(hand.doneAt).toBe(1);
    expect(stable(hand.events).map((e) => (e as { type: string }).type)).toEqual(["start", "text-delta", "error"]);
    expect(hand.fromEnd).toEqual([]);
  });
});
