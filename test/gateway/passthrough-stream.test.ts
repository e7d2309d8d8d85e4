// The fast path's stream tap, fed the way a socket delivers bytes: frames coalesced, split anywhere (inside a marker too).
import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../src/canonical/errors.ts";
import { passthroughStream, type StreamOutcome } from "../../src/gateway/passthrough-stream.ts";
import { getFormat } from "../../src/formats/registry.ts";
import type { FormatId, Passthrough } from "../../src/formats/types.ts";

const openai = getFormat("openai-chat").passthrough;

const chunk = (i: number) =>
  `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"w${i} "}}],"usage":null}\n\n`;
const USAGE_FRAME = `data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}\n\n`;
const DONE = "data: [DONE]\n\n";

/** Run `text` through the tap in pieces of `sizes` bytes (cycled), returning what the client got and the outcome. */
async function tap(
  text: string,
  sizes: number[],
  hideUsageFrame: boolean,
  format: Passthrough = openai,
): Promise<{ out: string; outcome: StreamOutcome }> {
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
    passthroughStream(upstream, format, { hideUsageFrame, startedAt: performance.now(), onDone: (o) => (outcome = o) }),
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

/** Each format's stream cut short before its finish, and the same stream with its finish (but not its last event). */
const ENDINGS: Record<FormatId, { unfinished: string; finished: string }> = {
  "openai-chat": {
    unfinished: body,
    finished: `${body}data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`,
  },
  anthropic: {
    unfinished:
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n' +
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n',
    // message_delta carries the stop reason; message_stop never came.
    finished:
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}\n\n',
  },
  gemini: {
    unfinished: 'data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}]}\r\n\r\n',
    finished:
      'data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}]}\r\n\r\n' +
      'data: {"candidates":[{"content":{"parts":[{"text":"lo"}],"role":"model"},"finishReason": "STOP","index":0}]}\r\n\r\n',
  },
  responses: {
    unfinished:
      'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"r","status":"in_progress"}}\n\n' +
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,"delta":"Hel"}\n\n',
    // A server that leaves usage out of its completed response.
    finished:
      'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"r","status":"in_progress"}}\n\n' +
      'event: response.completed\ndata: {"type":"response.completed","sequence_number":1,"response":{"id":"r","status":"completed","output":[],"usage":null}}\n\n',
  },
};

const ENDED = "The upstream stream ended before its answer finished: the answer is incomplete";

describe("a body that ends before its answer finished", () => {
  for (const [id, ending] of Object.entries(ENDINGS) as [FormatId, (typeof ENDINGS)[FormatId]][]) {
    const format = getFormat(id).passthrough;
    for (const [name, sizes] of Object.entries(SPLITS)) {
      test(`${id}, ${name}: what came passes untouched, then the format's error frame; the row says the upstream failed`, async () => {
        const { out, outcome } = await tap(ending.unfinished, sizes, true, format);
        const frames = ending.unfinished.split(/\r?\n\r?\n/).length - 1;
        const error = format.streamErrorFrames(new GatewayError("upstream", ENDED), frames);
        expect(out.startsWith(ending.unfinished)).toBe(true);
        expect(out.slice(ending.unfinished.length)).toBe(error);
        expect(outcome.error).toEqual({ status: 502, errorClass: "upstream_stream_error" });
      });
    }

    test(`${id}: a stream whose finish came is complete without its last event`, async () => {
      const { out, outcome } = await tap(ending.finished, [9, 31], true, format);
      expect(out).toBe(ending.finished);
      expect(outcome.error).toBeUndefined();
      expect(outcome.finishReason).toBe("stop");
    });
  }

  test("Chat: [DONE] without any finish_reason ends it (as the decoder reads it)", async () => {
    const { out, outcome } = await tap(body + DONE, [17], true);
    expect(out).toBe(body + DONE);
    expect(outcome.error).toBeUndefined();
  });

  test("a whole last frame without its blank line is read, hidden or ended so the client's parser dispatches it", async () => {
    const lastUsage = await tap(body + DONE + USAGE_FRAME.trimEnd(), [23], true);
    expect(lastUsage.out).toBe(body + DONE);
    expect(lastUsage.outcome.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
    const lastDone = await tap(body + DONE.trimEnd(), [23], true);
    expect(lastDone.out).toBe(body + DONE);
    expect(lastDone.outcome.error).toBeUndefined();
    const oneNewline = await tap(`${body}${DONE.trimEnd()}\n`, [23], true);
    expect(oneNewline.out).toBe(body + DONE);
  });

  test("a partial last frame before the error frame is left out, so the error event parses", async () => {
    const { out, outcome } = await tap(`${body}data: {"id":"c","choi`, [23], true);
    expect(out).toBe(body + openai.streamErrorFrames(new GatewayError("upstream", ENDED), 5));
    expect(outcome.error).toEqual({ status: 502, errorClass: "upstream_stream_error" });
  });
});
