// openai-chat's push StreamDecoder fed by hand: the same events as decodeStream, done at [DONE] or an error, end() closing.
import { describe, expect, test } from "bun:test";
import { openaiChatFormat as chat } from "../../../src/formats/openai-chat/index.ts";
import { feedByHand, sseEvents, stable, viaDecodeStream } from "../stream-decoder-support.ts";

const base = { id: "chatcmpl-abc", object: "chat.completion.chunk", created: 1700000000, model: "gpt-4o" };
const frame = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;
const chunk = (delta: object, finish: string | null = null) => frame({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
const usageFrame = frame({ ...base, choices: [], usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 } });
const DONE = "data: [DONE]\n\n";

/** Reasoning, text, two interleaved parallel calls, the finish, then the usage chunk and [DONE]; a stray chunk after it. */
const full = [
  chunk({ role: "assistant", content: "" }),
  chunk({ reasoning_content: "Thinking… " }),
  chunk({ content: "Héllo 👋" }),
  chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "weather", arguments: "" } }] }),
  chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "time", arguments: '{"tz"' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }),
  chunk({ tool_calls: [{ index: 1, function: { arguments: ':"CET"}' } }] }),
  chunk({}, "tool_calls"),
  usageFrame,
  DONE,
  chunk({ content: "after [DONE]: never read" }),
].join("");

describe("createChatStreamDecoder", () => {
  test("a full stream (random splits, LF and CRLF) gives decodeStream's events; done at [DONE]; the finish held for end()", async () => {
    for (let seed = 1; seed <= 20; seed++) {
      for (const text of [full, full.replaceAll("\n", "\r\n")]) {
        const sse = await sseEvents(text, seed);
        const hand = feedByHand(chat, sse);
        expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(chat, sse)));
        expect(hand.doneAt).toBe(9);
        expect(hand.events.map((e) => e.type)).toEqual([
          "start",
          "reasoning-delta",
          "text-delta",
          "tool-call-start",
          "tool-call-start",
          "tool-args-delta",
          "tool-args-delta",
          "tool-args-delta",
          "tool-call-end",
          "tool-call-end",
          "usage",
          "finish",
        ]);
        expect(hand.fromEnd).toEqual([
          {
            type: "finish",
            reason: "tool-calls",
            usage: { inputTokens: 30, outputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
          },
        ]);
        expect(hand.afterEnd).toEqual([]);
      }
    }
  });

  test("an error chunk is the last event: done there, later chunks ignored, end() adds nothing", async () => {
    const sse = await sseEvents(
      [
        chunk({ content: "par" }),
        frame({ error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }),
        chunk({ content: "never" }),
        DONE,
      ].join(""),
    );
    const hand = feedByHand(chat, sse);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(chat, sse)));
    expect(hand.doneAt).toBe(1);
    expect(stable(hand.events.slice(2))).toEqual([{ type: "error", kind: "rate_limit", status: 429, message: "Rate limit reached" }]);
    expect(hand.fromEnd).toEqual([]);
    expect(hand.afterEnd).toEqual([]);
  });

  test("a frame that is not JSON is an error and the end", async () => {
    const sse = await sseEvents([chunk({ content: "a" }), "data: {oops\n\n", chunk({}, "stop"), DONE].join(""));
    const hand = feedByHand(chat, sse);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(chat, sse)));
    expect(hand.doneAt).toBe(1);
    expect(hand.events.map((e) => e.type)).toEqual(["start", "text-delta", "error"]);
    expect(hand.fromEnd).toEqual([]);
  });

  test("a stream cut before any finish: not done until end(), which gives the error", async () => {
    const sse = await sseEvents(chunk({ content: "par" }));
    const hand = feedByHand(chat, sse);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(chat, sse)));
    expect(hand.doneAt).toBe(-1);
    expect(hand.doneAfterEnd).toBe(true);
    expect(stable(hand.fromEnd)).toEqual([
      { type: "error", kind: "upstream", status: 502, message: "The upstream stream ended before the response finished." },
    ]);
    expect(hand.afterEnd).toEqual([]);
  });

  test("a finish_reason without [DONE] still finishes at end(), closing the open call", async () => {
    const sse = await sseEvents(
      [chunk({ tool_calls: [{ index: 0, id: "c1", function: { name: "f", arguments: "{}" } }] }), chunk({}, "stop")].join(""),
    );
    const hand = feedByHand(chat, sse);
    expect(stable(hand.events)).toEqual(stable(await viaDecodeStream(chat, sse)));
    expect(hand.doneAt).toBe(-1);
    expect(hand.events.slice(1)).toEqual([
      { type: "tool-call-start", index: 0, id: "c1", name: "f" },
      { type: "tool-args-delta", index: 0, delta: "{}" },
      { type: "tool-call-end", index: 0 },
      { type: "finish", reason: "tool-calls" },
    ]);
  });
});
