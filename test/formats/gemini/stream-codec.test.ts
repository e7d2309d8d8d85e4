// The Gemini push encoder fed by hand gives exactly the frames encodeStream gives for the same events.
import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { geminiFormat } from "../../../src/formats/gemini/index.ts";
import { dataOf, feedAsync, feedByHand, stable } from "../encoder-codec-support.ts";

const req: CanonicalRequest = { model: "gemini-2.5-flash", messages: [], stream: true, extra: {} };
const RESPONSE_ID = [/(?<="responseId":")[0-9a-f]{24}/g];
const encodeStream = (events: AsyncIterable<CanonicalEvent>) => geminiFormat.encodeStream(events, req);

/** Thinking, text, two interleaved calls (one never ended), finish, then late usage and an error the answer outlives. */
const PARALLEL: CanonicalEvent[] = [
  { type: "start", id: "msg_1", model: "claude-x", created: 1, usage: { inputTokens: 20 } },
  { type: "reasoning-delta", text: "hmm" },
  { type: "reasoning-signature", signature: "sig" },
  { type: "text-delta", text: "Hel" },
  { type: "tool-call-start", index: 0, id: "t0", name: "a" },
  { type: "tool-call-start", index: 1, id: "t1", name: "b" },
  { type: "tool-args-delta", index: 1, delta: '{"y":' },
  { type: "tool-args-delta", index: 0, delta: '{"x":1}' },
  { type: "tool-args-delta", index: 1, delta: "2}" },
  { type: "tool-call-end", index: 1 },
  { type: "finish", reason: "tool-calls" },
  { type: "text-delta", text: "after finish" },
  { type: "usage", usage: { outputTokens: 30 } },
  { type: "error", error: new GatewayError("upstream", "late") },
];

type Chunk = { candidates: Array<{ content: { parts: unknown[] }; finishReason?: string }>; usageMetadata?: unknown };

describe("gemini streamEncoder", () => {
  test("parallel calls, late usage, an error after finish: the same frames as encodeStream", async () => {
    const byHand = feedByHand(geminiFormat.streamEncoder(req), PARALLEL);
    expect(byHand).toEqual(await feedAsync(encodeStream, PARALLEL));
    const chunks = dataOf(byHand) as Chunk[];
    expect(chunks.map((c) => c.candidates[0].content.parts)).toEqual([
      [{ text: "hmm", thought: true }],
      [{ text: "", thought: true, thoughtSignature: "sig" }],
      [{ text: "Hel" }],
      [{ functionCall: { id: "t1", name: "b", args: { y: 2 } } }],
      [{ functionCall: { id: "t0", name: "a", args: { x: 1 } } }],
    ]);
    expect(chunks.at(-1)).toMatchObject({
      candidates: [{ finishReason: "STOP" }],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 30 },
    });
  });

  test("a failure after finish still sends the last chunk; before it, the error frame", async () => {
    const finished: CanonicalEvent[] = [
      { type: "text-delta", text: "hi" },
      { type: "finish", reason: "stop" },
    ];
    const cut = new GatewayError("rate_limit", "Too many requests");
    const afterFinish = stable(feedByHand(geminiFormat.streamEncoder(req), finished, cut), RESPONSE_ID);
    expect(afterFinish).toEqual(stable(await feedAsync(encodeStream, finished), RESPONSE_ID));
    expect((dataOf(afterFinish) as Chunk[])[1].candidates[0].finishReason).toBe("STOP");

    const partial: CanonicalEvent[] = [{ type: "text-delta", text: "partial" }];
    const failed = feedByHand(geminiFormat.streamEncoder(req), partial, cut);
    expect(dataOf(failed)[1]).toEqual({ error: { code: 429, message: "Too many requests", status: "RESOURCE_EXHAUSTED" } });
    expect(stable(failed, RESPONSE_ID)).toEqual(stable(await feedAsync(encodeStream, partial, cut), RESPONSE_ID));
  });

  test("an error event and an end without finish each end in one error frame", async () => {
    const head: CanonicalEvent[] = [
      { type: "start", id: "r", model: "m", created: 1 },
      { type: "text-delta", text: "partial" },
    ];
    const errored: CanonicalEvent[] = [
      ...head,
      { type: "error", error: new GatewayError("rate_limit", "Too many requests") },
      { type: "text-delta", text: "never" },
    ];
    const byHand = feedByHand(geminiFormat.streamEncoder(req), errored);
    expect(byHand).toEqual(await feedAsync(encodeStream, errored));
    expect(byHand).toHaveLength(2);
    const early = feedByHand(geminiFormat.streamEncoder(req), head);
    expect(early).toEqual(await feedAsync(encodeStream, head));
    expect(dataOf(early)[1]).toMatchObject({ error: { code: 502, status: "UNAVAILABLE" } });
  });
});
