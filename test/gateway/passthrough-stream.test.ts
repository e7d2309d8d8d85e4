// The fast path's stream tap, fed the way a socket delivers bytes: frames coalesced, split anywhere (inside a marker too).
import { describe, expect, test } from "bun:test";
import { passthroughStream, type StreamOutcome } from "../../src/gateway/passthrough-stream.ts";
import { getFormat } from "../../src/formats/registry.ts";

const openai = getFormat("openai-chat").passthrough;

const chunk = (i: number) =>
  `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"w${i} "}}],"usage":null}\n\n`;
const USAGE_FRAME = `data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}\n\n`;
const DONE = "data: [DONE]\n\n";

/** Run `text` through the tap in pieces of `sizes` bytes (cycled), returning what the client got and the outcome. */
async function tap(text: string, sizes: number[], hideUsageFrame: boolean): Promise<{ out: string; outcome: StreamOutcome }> {
  const bytes = new TextEncoder().encode(text);
  const pieces: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    pieces.push(bytes.slice(at, at + size));
    at += size;
  }
  const upstream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  let outcome: StreamOutcome | undefined;
  const out = await new Response(
    passthroughStream(upstream, openai, { hideUsageFrame, startedAt: performance.now(), onDone: (o) => (outcome = o) }),
  ).text();
  return { out, outcome: outcome! };
}

const body = [0, 1, 2, 3, 4].map(chunk).join("");
const SPLITS: Record<string, number[]> = {
  "one read": [1 << 20],
  "byte by byte": [1],
  "odd sizes, cutting markers and terminators": [7, 13, 3, 29],
  "frame-sized reads": [chunk(0).length],
};

describe("passthrough stream tap", () => {
  for (const [name, sizes] of Object.entries(SPLITS)) {
    test(`${name}: frames pass untouched, the usage frame the client did not ask for is hidden and read`, async () => {
      const { out, outcome } = await tap(body + USAGE_FRAME + DONE, sizes, true);
      expect(out).toBe(body + DONE);
      expect(outcome.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
      expect(outcome.error).toBeUndefined();
    });

    test(`${name}: a usage frame the client asked for passes through and is read`, async () => {
      const { out, outcome } = await tap(body + USAGE_FRAME + DONE, sizes, false);
      expect(out).toBe(body + USAGE_FRAME + DONE);
      expect(outcome.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
    });

    test(`${name}: an error frame mid-stream is passed on and marks the stream failed`, async () => {
      const error = `data: {"error":{"message":"overloaded","type":"server_error"}}\n\n`;
      const { out, outcome } = await tap(chunk(0) + error + chunk(1), sizes, true);
      expect(out).toBe(chunk(0) + error + chunk(1));
      expect(outcome.error).toEqual({ status: 502, errorClass: "upstream_stream_error" });
    });
  }

  test('"usage":null in every chunk is not mistaken for usage', async () => {
    const { outcome } = await tap(body + DONE, [40], true);
    expect(outcome.usage).toEqual({});
  });

  test("CRLF-framed events are split and read the same way", async () => {
    const crlf = (body + USAGE_FRAME + DONE).replaceAll("\n\n", "\r\n\r\n");
    const { out, outcome } = await tap(crlf, [5, 11], true);
    expect(out).toBe((body + DONE).replaceAll("\n\n", "\r\n\r\n"));
    expect(outcome.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
  });
});
