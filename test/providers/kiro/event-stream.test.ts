// The AWS event-stream decoder: the published byte layout, every split of a captured stream, CRC and length checks, all header types.
import { describe, expect, test } from "bun:test";
import {
  decodeEventStream,
  encodeEventStreamMessage,
  EventStreamDecoder,
  parseHeaders,
  type EventStreamMessage,
} from "../../../src/providers/kiro/event-stream.ts";
import { GatewayError } from "../../../src/canonical/errors.ts";

const text = new TextDecoder();

/** A Kiro answer as the service sends it: text, a tool call in pieces, metering and context usage. */
function capturedStream(): { bytes: Uint8Array; payloads: string[] } {
  const ev = (type: string, payload: unknown) =>
    encodeEventStreamMessage(
      { ":event-type": type, ":content-type": "application/json", ":message-type": "event" },
      JSON.stringify(payload),
    );
  const frames = [
    ev("assistantResponseEvent", { content: "Let me " }),
    ev("assistantResponseEvent", { content: "check — ünïcödé ✓" }),
    ev("toolUseEvent", { name: "Bash", toolUseId: "tooluse_1", input: "" }),
    ev("toolUseEvent", { name: "Bash", toolUseId: "tooluse_1", input: '{"command":' }),
    ev("toolUseEvent", { name: "Bash", toolUseId: "tooluse_1", input: '"ls"}' }),
    ev("toolUseEvent", { name: "Bash", toolUseId: "tooluse_1", stop: true }),
    ev("meteringEvent", { unit: "credit", unitPlural: "credits", usage: 0.31 }),
    ev("contextUsageEvent", { contextUsagePercentage: 4.2 }),
  ];
  const bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    bytes.set(f, at);
    at += f.length;
  }
  return { bytes, payloads: frames.map((f) => text.decode(f.subarray(12 + new DataView(f.buffer).getUint32(4), f.length - 4))) };
}

function decodeAll(chunks: Uint8Array[]): EventStreamMessage[] {
  const decoder = new EventStreamDecoder();
  const out = chunks.flatMap((c) => decoder.push(c));
  decoder.finish();
  return out;
}

describe("AWS event-stream framing", () => {
  test('matches the published example frame byte for byte (payload {"foo": "bar"}, content-type header)', () => {
    // The example in the Elixir event_stream package docs for the AWS encoding: total 62, headers 32, prelude CRC 64,93,249,70.
    const expected = [
      0,
      0,
      0,
      62,
      0,
      0,
      0,
      32,
      64,
      93,
      249,
      70,
      12,
      ...Buffer.from("content-type"),
      7,
      0,
      16,
      ...Buffer.from("application/json"),
      ...Buffer.from('{"foo": "bar"}'),
      111,
      162,
      191,
      59,
    ];
    const frame = encodeEventStreamMessage({ "content-type": "application/json" }, '{"foo": "bar"}');
    expect([...frame]).toEqual(expected);
    const [message] = decodeAll([Uint8Array.from(expected)]);
    expect(message!.headers).toEqual({ "content-type": "application/json" });
    expect(text.decode(message!.payload)).toBe('{"foo": "bar"}');
  });

  test("a captured stream decodes the same when split in two at every byte", () => {
    const { bytes, payloads } = capturedStream();
    for (let cut = 0; cut <= bytes.length; cut++) {
      const messages = decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(messages.map((m) => text.decode(m.payload))).toEqual(payloads);
      expect(messages[2]!.headers[":event-type"]).toBe("toolUseEvent");
    }
  });

  test("a captured stream decodes the same fed one byte at a time, and in three uneven pieces", () => {
    const { bytes, payloads } = capturedStream();
    const single = decodeAll(Array.from(bytes, (b) => Uint8Array.of(b)));
    expect(single.map((m) => text.decode(m.payload))).toEqual(payloads);
    for (const [a, b] of [
      [5, 300],
      [13, 14],
      [100, bytes.length - 3],
    ] as const) {
      const messages = decodeAll([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]);
      expect(messages.map((m) => text.decode(m.payload))).toEqual(payloads);
    }
  });

  test("messages come out as soon as they are complete, not at the end", () => {
    const { bytes } = capturedStream();
    const first = new DataView(bytes.buffer).getUint32(0);
    const decoder = new EventStreamDecoder();
    expect(decoder.push(bytes.subarray(0, first - 1))).toHaveLength(0);
    expect(decoder.push(bytes.subarray(first - 1, first))).toHaveLength(1);
  });

  test("a corrupted prelude, payload or length is refused with a clear error", () => {
    const { bytes } = capturedStream();
    const badPrelude = bytes.slice();
    badPrelude[9]! ^= 0xff;
    expect(() => decodeAll([badPrelude])).toThrow(/prelude CRC mismatch/);
    const badPayload = bytes.slice();
    badPayload[60]! ^= 0x01;
    expect(() => decodeAll([badPayload])).toThrow(/message CRC mismatch/);
    const frame = encodeEventStreamMessage({}, "x");
    const view = new DataView(frame.buffer);
    view.setUint32(0, 8); // shorter than the 16 bytes of overhead, prelude CRC made to match
    view.setUint32(8, Bun.hash.crc32(frame.subarray(0, 8)));
    expect(() => decodeAll([frame])).toThrow(/impossible lengths/);
    expect(() => decodeAll([badPayload])).toThrow(GatewayError);
  });

  test("a stream that ends inside a message is an error, not a silent end", () => {
    const { bytes } = capturedStream();
    expect(() => decodeAll([bytes.subarray(0, bytes.length - 5)])).toThrow(/ended inside a message/);
  });

  test("every header value type the encoding defines", () => {
    const parts: number[] = [];
    const header = (name: string, type: number, value: number[]) => parts.push(name.length, ...Buffer.from(name), type, ...value);
    header("t", 0, []);
    header("f", 1, []);
    header("b", 2, [0xff]);
    header("s", 3, [0x01, 0x02]);
    header("i", 4, [0, 0, 1, 0]);
    header("l", 5, [0, 0, 0, 0, 0, 0, 0, 7]);
    header("y", 6, [0, 2, 0xde, 0xad]);
    header("str", 7, [0, 2, ...Buffer.from("ok")]);
    header("ts", 8, [0, 0, 1, 0x8b, 0xcf, 0xe5, 0x68, 0x00]);
    header(
      "u",
      9,
      Array.from({ length: 16 }, (_, i) => i),
    );
    const h = parseHeaders(Uint8Array.from(parts));
    expect(h).toMatchObject({ t: true, f: false, b: -1, s: 258, i: 256, l: 7n, str: "ok", u: "000102030405060708090a0b0c0d0e0f" });
    expect([...(h.y as Uint8Array)]).toEqual([0xde, 0xad]);
    expect((h.ts as Date).getTime()).toBe(0x018bcfe56800);
    expect(() => parseHeaders(Uint8Array.of(1, 0x61, 42))).toThrow(/unknown header value type 42/);
    expect(() => parseHeaders(Uint8Array.of(1, 0x61, 7, 0, 9, 0x62))).toThrow(/runs past/);
  });

  test("decodeEventStream reads a real ReadableStream chunk by chunk", async () => {
    const { bytes, payloads } = capturedStream();
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i >= bytes.length) return c.close();
        c.enqueue(bytes.slice(i, i + 11));
        i += 11;
      },
    });
    const got: string[] = [];
    for await (const m of decodeEventStream(body)) got.push(text.decode(m.payload));
    expect(got).toEqual(payloads);
  });
});
