// gemini's push StreamDecoder fed by hand: the same events as decodeStream; read on after the finish for late usage.
import { describe, expect, test } from "bun:test";
import { geminiFormat } from "../../../src/formats/gemini/index.ts";
import { feedByHand, sseEvents, stable, viaDecodeStream } from "../stream-decoder-support.ts";

const frame = (body: Record<string, unknown>) =>
  `data: ${JSON.stringify({ modelVersion: "gemini-2.5-flash", responseId: "r1", ...body })}\r\n\r\n`;
const parts = (p: unknown[], more: Record<string, unknown> = {}) =>
  frame({
    candidates: [{ content: { role: "model", parts: p }, index: 0, ...more }],
    usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
  });
const finalUsage = { promptTokenCount: 9, candidatesTokenCount: 12, thoughtsTokenCount: 4, totalTokenCount: 25 };

/** Thought with signature, text, two whole calls, the finish, then a usage-only chunk after it (read on, not done). */
const full = [
  parts([{ text: "Thinking ☁️", thought: true, thoughtSignature: "TS" }]),
  parts([{ text: "The sky is blue" }]),
  parts([
    { functionCall: { id: "c1", name: "look", args: { at: "sky" } }, thoughtSignature: "CS" },
    { functionCall: { id: "c2", name: "note", args: {} } },
  ]),
  frame({ candidates: [{ content: { role: "model", parts: [{ text: "" }] }, finishReason: "STOP", index: 0 }] }),
  frame({ usageMetadata: finalUsage }),
  "data: [DONE]\r\n\r\n",
].join("");

const usage = { inputTokens: 9, outputTokens: 16, cacheReadTokens: 0, reasoningTokens: 4 };

describe("createGeminiStreamDecoder", () => {
  test("a full stream (random splits) gives decodeStream's events; the finish does not end it: a later usage chunk still counts", async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const sse = await sseEvents(full, seed);
      const hand = feedByHand(geminiFormat, sse);
      expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(geminiFormat, sse)));
      expect(hand.doneAt).toBe(-1);
      expect(stable(hand.events)).toEqual([
        { type: "start", id: "r1", model: "gemini-2.5-flash", created: 0, usage: { inputTokens: 9, cacheReadTokens: 0 } },
        { type: "reasoning-delta", text: "Thinking ☁️" },
        { type: "reasoning-signature", signature: "TS" },
        { type: "text-delta", text: "The sky is blue" },
        { type: "tool-call-start", index: 0, id: "c1", name: "look", signature: "CS" },
        { type: "tool-args-delta", index: 0, delta: '{"at":"sky"}' },
        { type: "tool-call-end", index: 0 },
        { type: "tool-call-start", index: 1, id: "c2", name: "note" },
        { type: "tool-args-delta", index: 1, delta: "{}" },
        { type: "tool-call-end", index: 1 },
        { type: "finish", reason: "tool-calls", usage: { inputTokens: 9, outputTokens: 0, cacheReadTokens: 0, reasoningTokens: 0 } },
        { type: "usage", usage },
      ]);
      expect(hand.fromEnd).toEqual([]);
      expect(hand.doneAfterEnd).toBe(true);
      expect(hand.afterEnd).toEqual([]);
    }
  });

  test("an error chunk is the last event: done there, later chunks ignored, end() adds nothing", async () => {
    const sse = await sseEvents(
      [
        parts([{ text: "Hi" }]),
        `data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\n\n`,
        parts([{ text: "never" }], { finishReason: "STOP" }),
      ].join(""),
    );
    const hand = feedByHand(geminiFormat, sse);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(geminiFormat, sse)));
    expect(hand.doneAt).toBe(1);
    expect(stable(hand.events.slice(2))).toEqual([
      { type: "error", kind: "unavailable", status: 503, message: "The model is overloaded." },
    ]);
    expect(hand.fromEnd).toEqual([]);
    expect(hand.afterEnd).toEqual([]);
  });

  test("a frame that is not JSON ends it; a stream cut before any finishReason gets its error from end()", async () => {
    const broken = await sseEvents([parts([{ text: "Hi" }]), "data: {oops\n\n", parts([{ text: "x" }], { finishReason: "STOP" })].join(""));
    const bad = feedByHand(geminiFormat, broken);
    expect(stable(bad.events)).toEqual(stable(await viaDecodeStream(geminiFormat, broken)));
    expect(bad.doneAt).toBe(1);
    expect(bad.events.map((e) => e.type)).toEqual(["start", "text-delta", "error"]);
    expect(bad.fromEnd).toEqual([]);

    const cut = await sseEvents(parts([{ text: "Hi" }]));
    const hand = feedByHand(geminiFormat, cut);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(geminiFormat, cut)));
    expect(hand.doneAt).toBe(-1);
    expect(stable(hand.fromEnd)).toEqual([
      { type: "error", kind: "upstream", status: 502, message: "The Gemini stream ended before a finishReason" },
    ]);
    expect(hand.afterEnd).toEqual([]);
  });
});
