// The Anthropic push encoder fed by hand gives exactly the frames encodeStream gives, the input estimate included.
import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { estimateTokens } from "../../../src/canonical/token-estimate.ts";
import { anthropicFormat } from "../../../src/formats/anthropic/index.ts";
import { dataOf, feedAsync, feedByHand, stable } from "../encoder-codec-support.ts";

const req = anthropicFormat.decodeRequest({
  model: "claude-test",
  max_tokens: 1024,
  stream: true,
  messages: [{ role: "user", content: "What is the weather in Paris and the time in Tokyo? Answer briefly, please." }],
});
const MSG_ID = [/(?<="id":")msg_[0-9a-f]{32}/g];
const encodeStream = (events: AsyncIterable<CanonicalEvent>) => anthropicFormat.encodeStream(events, req);

/** Thinking, then two calls whose argument deltas interleave, text arriving while they stream, usage at the end. */
const PARALLEL: CanonicalEvent[] = [
  { type: "start", id: "", model: "", created: 1 },
  { type: "reasoning-delta", text: "Two tools." },
  { type: "reasoning-signature", signature: "sig-1" },
  { type: "tool-call-start", index: 0, id: "call_a", name: "weather" },
  { type: "tool-call-start", index: 1, id: "call_b", name: "time" },
  { type: "tool-args-delta", index: 0, delta: '{"city":' },
  { type: "tool-args-delta", index: 1, delta: '{"tz":"JST"}' },
  { type: "text-delta", text: "Checking." },
  { type: "tool-args-delta", index: 0, delta: '"Paris"}' },
  { type: "tool-call-end", index: 0 },
  { type: "tool-call-end", index: 1 },
  { type: "usage", usage: { inputTokens: 40 } },
  { type: "finish", reason: "tool-calls", usage: { outputTokens: 12 } },
];

type Frame = { type: string; message?: { id: string; usage: { input_tokens: number } }; index?: number; delta?: Record<string, unknown> };

describe("anthropic streamEncoder", () => {
  test("parallel calls and deferred text: the same frames as encodeStream, message_start with the input estimate", async () => {
    const byHand = stable(feedByHand(anthropicFormat.streamEncoder(req), PARALLEL), MSG_ID);
    expect(byHand).toEqual(stable(await feedAsync(encodeStream, PARALLEL), MSG_ID));
    const frames = dataOf(byHand) as Frame[];
    expect(frames.map((f) => f.type)).toEqual([
      "message_start",
      "ping",
      ...["content_block_start", "content_block_delta", "content_block_delta", "content_block_stop"], // thinking, signature
      ...["content_block_start", "content_block_delta", "content_block_delta", "content_block_stop"], // call_a, streamed
      ...["content_block_start", "content_block_delta", "content_block_stop"], // call_b, its buffer at once
      ...["content_block_start", "content_block_delta", "content_block_stop"], // the text held while calls streamed
      "message_delta",
      "message_stop",
    ]);
    const estimate = estimateTokens(req);
    expect(estimate).toBeGreaterThan(0);
    expect(frames[0].message?.usage.input_tokens).toBe(estimate);
    expect(frames.at(-2)).toMatchObject({ delta: { stop_reason: "tool_use" }, usage: { input_tokens: 40, output_tokens: 12 } });
  });

  test("a start that reports input tokens is believed, not estimated", async () => {
    const events: CanonicalEvent[] = [
      { type: "start", id: "msg_up", model: "claude-up", created: 1, usage: { inputTokens: 7 } },
      { type: "text-delta", text: "hi" },
      { type: "finish", reason: "stop" },
    ];
    const byHand = feedByHand(anthropicFormat.streamEncoder(req), events);
    expect(byHand).toEqual(await feedAsync(encodeStream, events));
    expect((dataOf(byHand)[0] as Frame).message).toMatchObject({ id: "msg_up", usage: { input_tokens: 7 } });
  });

  test("an error first, an error mid-stream, an early end and a failure each end in one error frame", async () => {
    const limited = new GatewayError("rate_limit", "Upstream rate limited");
    const head: CanonicalEvent[] = [
      { type: "start", id: "msg_r", model: "m", created: 1 },
      { type: "text-delta", text: "par" },
    ];
    const errorFirst: CanonicalEvent[] = [{ type: "error", error: limited }];
    const errored: CanonicalEvent[] = [...head, { type: "error", error: limited }, { type: "text-delta", text: "more" }];
    const cases: Array<[string[], string[], number, string]> = [
      [feedByHand(anthropicFormat.streamEncoder(req), errorFirst), await feedAsync(encodeStream, errorFirst), 1, "rate_limit_error"],
      [feedByHand(anthropicFormat.streamEncoder(req), errored), await feedAsync(encodeStream, errored), 5, "rate_limit_error"],
      [feedByHand(anthropicFormat.streamEncoder(req), head), await feedAsync(encodeStream, head), 5, "api_error"],
      [feedByHand(anthropicFormat.streamEncoder(req), head, limited), await feedAsync(encodeStream, head, limited), 5, "rate_limit_error"],
    ];
    for (const [byHand, viaStream, length, type] of cases) {
      expect(byHand).toEqual(viaStream);
      expect(byHand).toHaveLength(length);
      expect(dataOf(byHand).at(-1)).toMatchObject({ type: "error", error: { type } });
    }
  });
});
