// The translated path's stream: frames leave one by one, and a translation that fails mid-stream ends with an
// error event in the client's own format, never as if complete.
import { describe, expect, test } from "bun:test";
import { getFormat } from "../../src/formats/registry.ts";
import type { StreamOutcome } from "../../src/gateway/passthrough-stream.ts";
import { translateStream } from "../../src/gateway/translate-stream.ts";
import type { CanonicalRequest } from "../../src/canonical/request.ts";

const openai = getFormat("openai-chat");
const anthropic = getFormat("anthropic");
const request: CanonicalRequest = { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] } as CanonicalRequest;

const chunk = (delta: object, extra: object = {}) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const UPSTREAM =
  chunk({ role: "assistant", content: "" }) +
  chunk({ content: "Hello" }) +
  chunk({ content: " there" }) +
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n` +
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\n` +
  "data: [DONE]\n\n";

function upstream(text: string): ReadableStream<Uint8Array> {
  return new Response(text).body!;
}

describe("translated stream", () => {
  test("an OpenAI upstream reaches an Anthropic client as its own events, with usage read", async () => {
    let outcome: StreamOutcome | undefined;
    const out = translateStream(upstream(UPSTREAM), openai, anthropic, request, {
      startedAt: performance.now(),
      signal: new AbortController().signal,
      onDone: (o) => (outcome = o),
    });
    const text = await new Response(out).text();
    const events = text
      .split("\n")
      .filter((l) => l.startsWith("event: "))
      .map((l) => l.slice(7));
    expect(events[0]).toBe("message_start");
    expect(events.at(-1)).toBe("message_stop");
    expect(text).toContain('"text":"Hello"');
    expect(outcome?.usage).toMatchObject({ inputTokens: 3, outputTokens: 2 });
    expect(outcome?.error).toBeUndefined();
  });

  test("a translation that throws mid-stream ends with the client format's error event and is recorded as translation_error", async () => {
    const broken: typeof anthropic = {
      ...anthropic,
      streamEncoder: () => ({
        done: false,
        push(event) {
          if (event.type === "text-delta") throw new Error("encoder bug");
          return [`event: ping\ndata: {"type":"ping"}\n\n`];
        },
        end: () => [],
        fail: () => [],
      }),
    };
    let outcome: StreamOutcome | undefined;
    const out = translateStream(upstream(UPSTREAM), openai, broken, request, {
      startedAt: performance.now(),
      signal: new AbortController().signal,
      onDone: (o) => (outcome = o),
    });
    const text = await new Response(out).text();
    expect(text).toContain("event: ping");
    expect(text).not.toContain("message_stop");
    const last = text.trim().split("\n\n").at(-1)!;
    expect(last.split("\n")[0]).toBe("event: error");
    expect(JSON.parse(last.split("\n")[1]!.slice(6))).toMatchObject({
      type: "error",
      error: { type: "api_error", message: expect.stringContaining("encoder bug") },
    });
    expect(outcome?.error).toEqual({ status: 500, errorClass: "translation_error" });
  });
});
