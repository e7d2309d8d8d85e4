// parseSse: the WHATWG event-stream rules, whatever the line endings and however the bytes are split across reads.
import { describe, expect, test } from "bun:test";
import { parseSse, type SseEvent } from "../../src/canonical/sse.ts";

/** The text as a byte stream cut into pieces of `size` bytes. */
function pieces(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function parse(text: string, size: number): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of parseSse(pieces(text, size))) out.push({ ...e });
  return out;
}

const STREAM = [
  ": a comment, then a ping",
  "event: ping",
  "data: {}",
  "",
  "data:no space",
  "data:  two spaces keep one",
  "",
  "event: message_delta",
  "id: 7",
  "data: first line",
  "data",
  "data: third «line» 漢字",
  "",
  "retry: 1000",
  "unknown: field",
  "",
  "data: [DONE]",
].join("\n");

const EXPECTED: SseEvent[] = [
  { event: "ping", data: "{}", id: undefined },
  { event: undefined, data: "no space\n two spaces keep one", id: undefined },
  { event: "message_delta", data: "first line\n\nthird «line» 漢字", id: "7" },
  // The last event ends with the stream, not with a blank line; the id seen stays until another is sent.
  { event: undefined, data: "[DONE]", id: "7" },
];

describe("parseSse", () => {
  for (const [name, eol] of [
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ] as const) {
    test(`${name} line endings, the bytes split at every size from 1 to 40`, async () => {
      const text = STREAM.replaceAll("\n", eol);
      for (let size = 1; size <= 40; size++) expect(await parse(text, size)).toEqual(EXPECTED);
      expect(await parse(text, 1 << 20)).toEqual(EXPECTED);
    });
  }

  test("line endings mixed in one stream", async () => {
    const text = "data: a\r\n\r\ndata: b\n\ndata: c\r\rdata: d\r\n\n";
    for (let size = 1; size <= 8; size++) expect((await parse(text, size)).map((e) => e.data)).toEqual(["a", "b", "c", "d"]);
  });
});
