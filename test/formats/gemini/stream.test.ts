// Gemini streams: decode from SSE bytes split anywhere, encode canonical events into Gemini chunks.
import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { parseSse } from "../../../src/canonical/sse.ts";
import { geminiFormat } from "../../../src/formats/gemini/index.ts";

const request: CanonicalRequest = { model: "gemini-2.5-flash", messages: [], stream: true, extra: {} };

/** A tiny deterministic PRNG so a failing split can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function byteStream(text: string, random: () => number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(random() * 40);
    pieces.push(bytes.slice(i, i + n));
    i += n;
  }
  return new ReadableStream({
    pull(controller) {
      const next = pieces.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}

const chunk = (parts: unknown[], more: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts }, index: 0, ...more }], usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 }, modelVersion: "gemini-2.5-flash", responseId: "r1" })}\r\n\r\n`;

const upstream = [
  chunk([{ text: "Thinking about ", thought: true }]),
  chunk([{ text: "the sky ☁️", thought: true, thoughtSignature: "TS" }]),
  chunk([{ text: "The sky is " }]),
  chunk([{ text: "blue — ünïcödé ✓" }]),
  chunk([
    { functionCall: { name: "look", args: { at: "sky" } }, thoughtSignature: "CS" },
    { functionCall: { id: "x2", name: "note", args: {} } },
  ]),
  `data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: "" }] }, finishReason: "STOP", index: 0 }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 12, thoughtsTokenCount: 4, totalTokenCount: 25 }, modelVersion: "gemini-2.5-flash", responseId: "r1" })}\r\n\r\n`,
].join("");

describe("decodeStream", () => {
  test("the same events whatever the byte splits", async () => {
    let reference: CanonicalEvent[] | undefined;
    for (let seed = 1; seed <= 25; seed++) {
      const events = await collect(geminiFormat.decodeStream(parseSse(byteStream(upstream, rng(seed)))));
      // The start time and the id generated for a call Gemini sent without one differ run to run.
      const normalized = events.map((e) =>
        e.type === "start"
          ? { ...e, created: 0 }
          : e.type === "tool-call-start" && e.id.startsWith("call_")
            ? { ...e, id: "GENERATED" }
            : e,
      );
      reference ??= normalized;
      expect(normalized).toEqual(reference);
    }
    const events = reference!;
    const callId = "GENERATED";
    expect(events).toEqual([
      { type: "start", id: "r1", model: "gemini-2.5-flash", created: 0, usage: { inputTokens: 9, cacheReadTokens: 0 } },
      { type: "reasoning-delta", text: "Thinking about " },
      { type: "reasoning-delta", text: "the sky ☁️" },
      { type: "reasoning-signature", signature: "TS" },
      { type: "text-delta", text: "The sky is " },
      { type: "text-delta", text: "blue — ünïcödé ✓" },
      { type: "tool-call-start", index: 0, id: callId, name: "look", signature: "CS" },
      { type: "tool-args-delta", index: 0, delta: '{"at":"sky"}' },
      { type: "tool-call-end", index: 0 },
      { type: "tool-call-start", index: 1, id: "x2", name: "note" },
      { type: "tool-args-delta", index: 1, delta: "{}" },
      { type: "tool-call-end", index: 1 },
      { type: "finish", reason: "tool-calls", usage: { inputTokens: 9, outputTokens: 16, cacheReadTokens: 0, reasoningTokens: 4 } },
    ]);
  });

  test("an error chunk mid-stream becomes an error event", async () => {
    const body =
      chunk([{ text: "Hi" }]) + `data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\r\n\r\n`;
    const events = await collect(geminiFormat.decodeStream(parseSse(byteStream(body, rng(7)))));
    expect(events.map((e) => e.type)).toEqual(["start", "text-delta", "error"]);
    const err = (events[2] as { type: "error"; error: GatewayError }).error;
    expect(err.status).toBe(503);
    expect(err.kind).toBe("unavailable");
    expect(err.message).toBe("The model is overloaded.");
  });

  test("a stream that ends without finishReason ends in an error event", async () => {
    const events = await collect(geminiFormat.decodeStream(parseSse(byteStream(chunk([{ text: "Hi" }]), rng(3)))));
    expect(events.map((e) => e.type)).toEqual(["start", "text-delta", "error"]);
  });

  test("a blocked prompt finishes as content-filter", async () => {
    const body = `data: ${JSON.stringify({ promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } })}\n\n`;
    const events = await collect(geminiFormat.decodeStream(parseSse(byteStream(body, rng(1)))));
    expect(events.map((e) => e.type)).toEqual(["start", "finish"]);
    expect((events[1] as any).reason).toBe("content-filter");
  });
});

function frames(out: string[]): any[] {
  return out.map((f) => {
    expect(f.startsWith("data: ")).toBe(true);
    expect(f.endsWith("\n\n")).toBe(true);
    return JSON.parse(f.slice(6));
  });
}

describe("encodeStream", () => {
  const events: CanonicalEvent[] = [
    { type: "start", id: "msg_1", model: "claude-x", created: 1, usage: { inputTokens: 20, cacheReadTokens: 5 } },
    { type: "reasoning-delta", text: "hmm" },
    { type: "reasoning-signature", signature: "sig" },
    { type: "text-delta", text: "Hel" },
    { type: "text-delta", text: "lo" },
    { type: "tool-call-start", index: 0, id: "t0", name: "a" },
    { type: "tool-call-start", index: 1, id: "t1", name: "b" },
    { type: "tool-args-delta", index: 1, delta: '{"y":' },
    { type: "tool-args-delta", index: 0, delta: '{"x":1}' },
    { type: "tool-args-delta", index: 1, delta: "2}" },
    { type: "tool-call-end", index: 1 },
    { type: "tool-call-end", index: 0 },
    { type: "finish", reason: "tool-calls" },
    { type: "usage", usage: { outputTokens: 30, reasoningTokens: 10 } },
  ];

  test("chunks as Gemini emits them; calls whole; finish and usage last", async () => {
    const out = frames(await collect(geminiFormat.encodeStream(from(events), request)));
    const parts = out.map((c) => c.candidates[0].content.parts);
    expect(parts).toEqual([
      [{ text: "hmm", thought: true }],
      [{ text: "", thought: true, thoughtSignature: "sig" }],
      [{ text: "Hel" }],
      [{ text: "lo" }],
      [{ functionCall: { id: "t1", name: "b", args: { y: 2 } } }],
      [{ functionCall: { id: "t0", name: "a", args: { x: 1 } } }],
      [{ text: "" }],
    ]);
    for (const c of out) {
      expect(c.responseId).toBe("msg_1");
      expect(c.modelVersion).toBe("claude-x");
      expect(c.candidates[0].index).toBe(0);
      expect(c.candidates[0].content.role).toBe("model");
    }
    expect(out.slice(0, -1).every((c) => c.candidates[0].finishReason === undefined && c.usageMetadata === undefined)).toBe(true);
    const last = out[out.length - 1];
    expect(last.candidates[0].finishReason).toBe("STOP");
    expect(last.usageMetadata).toEqual({
      promptTokenCount: 20,
      cachedContentTokenCount: 5,
      candidatesTokenCount: 20,
      thoughtsTokenCount: 10,
      totalTokenCount: 50,
    });
  });

  test("encode then decode gives back the same content", async () => {
    const sse = (await collect(geminiFormat.encodeStream(from(events), request))).join("");
    const back = await collect(geminiFormat.decodeStream(parseSse(byteStream(sse, rng(11)))));
    const text = back
      .filter((e) => e.type === "text-delta")
      .map((e: any) => e.text)
      .join("");
    expect(text).toBe("Hello");
    expect(back.filter((e) => e.type === "tool-call-start").map((e: any) => [e.index, e.id, e.name])).toEqual([
      [0, "t1", "b"],
      [1, "t0", "a"],
    ]);
    expect(back.find((e) => e.type === "reasoning-signature")).toEqual({ type: "reasoning-signature", signature: "sig" });
    expect(back[back.length - 1]).toEqual({
      type: "finish",
      reason: "tool-calls",
      usage: { inputTokens: 20, outputTokens: 30, cacheReadTokens: 5, reasoningTokens: 10 },
    });
  });

  test("an error event becomes a final error frame", async () => {
    const out = frames(
      await collect(
        geminiFormat.encodeStream(
          from<CanonicalEvent>([
            { type: "start", id: "r", model: "m", created: 1 },
            { type: "text-delta", text: "partial" },
            { type: "error", error: new GatewayError("rate_limit", "Too many requests") },
            { type: "text-delta", text: "never" },
          ]),
          request,
        ),
      ),
    );
    expect(out).toHaveLength(2);
    expect(out[1]).toEqual({ error: { code: 429, message: "Too many requests", status: "RESOURCE_EXHAUSTED" } });
  });

  test("an end without finish becomes an error frame, never a silent cut", async () => {
    const out = frames(
      await collect(
        geminiFormat.encodeStream(
          from<CanonicalEvent>([
            { type: "start", id: "r", model: "m", created: 1 },
            { type: "text-delta", text: "partial" },
          ]),
          request,
        ),
      ),
    );
    expect(out[out.length - 1].error.code).toBe(502);
    expect(out[out.length - 1].error.status).toBe("UNAVAILABLE");
  });

  test("a tool call left open at finish is still sent whole in the last chunk", async () => {
    const out = frames(
      await collect(
        geminiFormat.encodeStream(
          from<CanonicalEvent>([
            { type: "start", id: "r", model: "m", created: 1 },
            { type: "tool-call-start", index: 0, id: "t", name: "f", signature: "G" },
            { type: "tool-args-delta", index: 0, delta: '{"k":"v"}' },
            { type: "finish", reason: "tool-calls", usage: { inputTokens: 1, outputTokens: 2 } },
          ]),
          request,
        ),
      ),
    );
    expect(out).toHaveLength(1);
    expect(out[0].candidates[0]).toEqual({
      content: { role: "model", parts: [{ functionCall: { id: "t", name: "f", args: { k: "v" } }, thoughtSignature: "G" }] },
      finishReason: "STOP",
      index: 0,
    });
  });
});
