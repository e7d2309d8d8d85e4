// openai-chat decodeStream: chunk frames (split at random byte positions) to canonical events.
import { describe, expect, test } from "bun:test";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { parseSse } from "../../../src/canonical/sse.ts";
import { openaiChatFormat as chat } from "../../../src/formats/openai-chat/index.ts";

const base = {
  id: "chatcmpl-abc",
  object: "chat.completion.chunk",
  created: 1700000000,
  model: "gpt-4o-2024-08-06",
  system_fingerprint: "fp_1",
};
const frame = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;
const chunk = (delta: object, finish: string | null = null, extra: object = { usage: null }) =>
  frame({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra });

/** A deterministic PRNG, so a failing split can be reproduced from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The text as a byte stream cut at random positions (also inside multi-byte characters and CRLFs). */
function randomSplit(text: string, seed: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const random = rng(seed);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const size = 1 + Math.floor(random() * 40);
    pieces.push(bytes.slice(i, i + size));
    i += size;
  }
  return new ReadableStream({
    pull(controller) {
      const next = pieces.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function decode(text: string, seed = 1): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for await (const e of chat.decodeStream(parseSse(randomSplit(text, seed)))) out.push(e);
  return out;
}

const usageJson = {
  prompt_tokens: 30,
  completion_tokens: 12,
  total_tokens: 42,
  prompt_tokens_details: { cached_tokens: 10, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 3, audio_tokens: 0 },
};
const usage = { inputTokens: 30, outputTokens: 12, cacheReadTokens: 10, cacheWriteTokens: 0, reasoningTokens: 3 };

const fullStream = [
  chunk({ role: "assistant", content: "", refusal: null }),
  chunk({ reasoning_content: "Thinking… " }),
  chunk({ reasoning_content: "done" }),
  chunk({ content: "Héllo 👋" }),
  chunk({ content: " there" }),
  chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
  chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz"' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
  chunk({ tool_calls: [{ index: 1, function: { arguments: ':"CET"}' } }] }),
  chunk({}, "tool_calls"),
  frame({ ...base, choices: [], usage: usageJson }),
  "data: [DONE]\n\n",
].join("");

const expected: CanonicalEvent[] = [
  { type: "start", id: "chatcmpl-abc", model: "gpt-4o-2024-08-06", created: 1700000000 },
  { type: "reasoning-delta", text: "Thinking… " },
  { type: "reasoning-delta", text: "done" },
  { type: "text-delta", text: "Héllo 👋" },
  { type: "text-delta", text: " there" },
  { type: "tool-call-start", index: 0, id: "call_a", name: "get_weather" },
  { type: "tool-args-delta", index: 0, delta: '{"city":' },
  { type: "tool-call-start", index: 1, id: "call_b", name: "get_time" },
  { type: "tool-args-delta", index: 1, delta: '{"tz"' },
  { type: "tool-args-delta", index: 0, delta: '"Paris"}' },
  { type: "tool-args-delta", index: 1, delta: ':"CET"}' },
  { type: "tool-call-end", index: 0 },
  { type: "tool-call-end", index: 1 },
  { type: "usage", usage },
  { type: "finish", reason: "tool-calls", usage },
];

describe("decodeStream", () => {
  test("the same events whatever the byte splits (50 seeds, LF and CRLF)", async () => {
    for (let seed = 1; seed <= 50; seed++) {
      expect(await decode(fullStream, seed)).toEqual(expected);
      expect(await decode(fullStream.replaceAll("\n", "\r\n"), seed)).toEqual(expected);
    }
  });

  test("the finish waits for the usage chunk that follows it", async () => {
    const events = await decode(
      [
        chunk({ role: "assistant", content: "" }),
        chunk({ content: "hi" }),
        chunk({}, "stop"),
        frame({ ...base, choices: [], usage: usageJson }),
        "data: [DONE]\n\n",
      ].join(""),
    );
    expect(events.map((e) => e.type)).toEqual(["start", "text-delta", "usage", "finish"]);
    expect(events.at(-1)).toEqual({ type: "finish", reason: "stop", usage });
  });

  test("usage beside the finish (DeepSeek) and no usage at all", async () => {
    const deepseek = await decode(
      [
        chunk({ content: "a" }, null, {}),
        chunk({ content: "" }, "length", { usage: { prompt_tokens: 9, completion_tokens: 1, prompt_cache_hit_tokens: 4 } }),
        "data: [DONE]\n\n",
      ].join(""),
    );
    expect(deepseek.at(-1)).toEqual({
      type: "finish",
      reason: "length",
      usage: { inputTokens: 9, outputTokens: 1, cacheReadTokens: 4, cacheWriteTokens: 0, reasoningTokens: 0 },
    });
    const none = await decode([chunk({ content: "a" }, null, {}), chunk({}, "stop", {}), "data: [DONE]\n\n"].join(""));
    expect(none.at(-1)).toEqual({ type: "finish", reason: "stop" });
  });

  test("`reasoning` deltas (OpenRouter, Groq) and refusals", async () => {
    const events = await decode(
      [chunk({ reasoning: "r1" }), chunk({ refusal: "No." }), chunk({}, "content_filter"), "data: [DONE]\n\n"].join(""),
    );
    expect(events.slice(1)).toEqual([
      { type: "reasoning-delta", text: "r1" },
      { type: "text-delta", text: "No." },
      { type: "finish", reason: "content-filter" },
    ]);
  });

  test("a provider reusing index 0 with new ids yields distinct calls", async () => {
    const events = await decode(
      [
        chunk({ tool_calls: [{ index: 0, id: "c1", type: "function", function: { name: "a", arguments: "{}" } }] }),
        chunk({ tool_calls: [{ index: 0, id: "c2", type: "function", function: { name: "b", arguments: '{"k":1}' } }] }),
        chunk({}, "stop"),
        "data: [DONE]\n\n",
      ].join(""),
    );
    expect(events.slice(1)).toEqual([
      { type: "tool-call-start", index: 0, id: "c1", name: "a" },
      { type: "tool-args-delta", index: 0, delta: "{}" },
      { type: "tool-call-end", index: 0 },
      { type: "tool-call-start", index: 1, id: "c2", name: "b" },
      { type: "tool-args-delta", index: 1, delta: '{"k":1}' },
      { type: "tool-call-end", index: 1 },
      { type: "finish", reason: "tool-calls" },
    ]);
  });

  test("an error chunk becomes an error event and ends the stream", async () => {
    const events = await decode(
      [
        chunk({ content: "par" }),
        frame({ error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } }),
        chunk({ content: "never" }),
      ].join(""),
    );
    expect(events.map((e) => e.type)).toEqual(["start", "text-delta", "error"]);
    const err = events[2].type === "error" ? events[2].error : undefined;
    expect(err?.message).toBe("Rate limit reached");
    expect(err?.kind).toBe("rate_limit");
    expect(err?.status).toBe(429);
    expect(err?.code).toBe("rate_limit_exceeded");
  });

  test("an end without finish_reason or [DONE] is an error; [DONE] without finish_reason is a stop", async () => {
    const cut = await decode([chunk({ content: "par" })].join(""));
    expect(cut.at(-1)?.type).toBe("error");
    const lenient = await decode([chunk({ content: "a" }), "data: [DONE]\n\n"].join(""));
    expect(lenient.at(-1)).toEqual({ type: "finish", reason: "stop" });
    // A finish_reason without [DONE] still finishes.
    const noDone = await decode([chunk({ content: "a" }), chunk({}, "stop")].join(""));
    expect(noDone.at(-1)).toEqual({ type: "finish", reason: "stop" });
  });
});
