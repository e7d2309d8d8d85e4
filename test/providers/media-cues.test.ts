// Subtitle cues from word timings, and the base64 float32 encoding of embeddings.
import { describe, expect, test } from "bun:test";
import { segmentsFromWords } from "../../src/providers/audio/cues.ts";
import { base64ToFloats, floatsToBase64 } from "../../src/providers/embeddings/base64.ts";
import { timestamp } from "../../src/gateway/media/transcript-render.ts";

const w = (word: string, start: number, end: number) => ({ word, start, end });

describe("segmentsFromWords", () => {
  test("a cue ends at a sentence end", () => {
    expect(segmentsFromWords([w("Hi", 0, 0.2), w("there.", 0.3, 0.6), w("Bye", 0.7, 0.9)])).toEqual([
      { text: "Hi there.", start: 0, end: 0.6 },
      { text: "Bye", start: 0.7, end: 0.9 },
    ]);
  });

  test("a pause of a second or more starts a new cue", () => {
    expect(segmentsFromWords([w("one", 0, 0.3), w("two", 1.3, 1.5)]).map((s) => s.text)).toEqual(["one", "two"]);
    expect(segmentsFromWords([w("one", 0, 0.3), w("two", 1.2, 1.5)]).map((s) => s.text)).toEqual(["one two"]);
  });

  test("no cue runs past seven seconds or 84 characters", () => {
    const slow = Array.from({ length: 20 }, (_, i) => w(`w${i}`, i * 0.5, i * 0.5 + 0.4));
    for (const s of segmentsFromWords(slow)) expect(s.end - s.start).toBeLessThanOrEqual(7);
    const long = Array.from({ length: 40 }, (_, i) => w("abcdefghi", i * 0.1, i * 0.1 + 0.05));
    for (const s of segmentsFromWords(long)) expect(s.text.length).toBeLessThanOrEqual(84);
    expect(segmentsFromWords(long).flatMap((s) => s.text.split(" "))).toHaveLength(40);
  });

  test("no words, no cues", () => {
    expect(segmentsFromWords([])).toEqual([]);
  });
});

test("timestamps for SRT and WebVTT", () => {
  expect(timestamp(3723.5, ",")).toBe("01:02:03,500");
  expect(timestamp(0.1, ".")).toBe("00:00:00.100");
  expect(timestamp(59.9996, ",")).toBe("00:01:00,000");
});

test("embeddings as base64 are little-endian float32", () => {
  const b64 = floatsToBase64([1, -2.5, 0.1]);
  expect(Buffer.from(b64, "base64")).toEqual(Buffer.from([0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0, 0xcd, 0xcc, 0xcc, 0x3d]));
  expect(base64ToFloats(b64)).toEqual(Array.from(new Float32Array([1, -2.5, 0.1])));
});
