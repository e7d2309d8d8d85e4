// The HTTP/1.1 response parser on its own: every framing, fed whole, byte by byte and at every split point.
import { describe, expect, test } from "bun:test";
import { HttpParseError, ResponseParser, type ResponseHead } from "../../src/network/http1/response-parser.ts";

interface Parsed {
  head?: ResponseHead;
  body: string;
  ended?: { reusable: boolean };
}

/** Feed `raw` in pieces of `step` bytes (0: all at once); `close`: the connection closes afterwards. */
function parse(raw: string | Uint8Array, { step = 0, method = "POST", close = false } = {}): Parsed {
  const bytes = typeof raw === "string" ? Buffer.from(raw) : raw;
  const out: Parsed = { body: "" };
  const chunks: Uint8Array[] = [];
  const parser = new ResponseParser({
    head: (h) => (out.head = h),
    body: (c) => chunks.push(c),
    end: (reusable) => (out.ended = { reusable }),
  }, method);
  const size = step || bytes.length;
  for (let at = 0; at < bytes.length; at += size) parser.feed(bytes.subarray(at, at + size));
  if (close) parser.closed();
  out.body = Buffer.concat(chunks).toString("utf8");
  return out;
}

/** The same result whether the bytes come at once, one by one, or split in two anywhere. */
function parseEveryWay(raw: string, opts: { method?: string; close?: boolean } = {}): Parsed {
  const whole = parse(raw, opts);
  expect(parse(raw, { ...opts, step: 1 })).toEqual(whole);
  const bytes = Buffer.from(raw);
  for (let cut = 1; cut < bytes.length; cut++) {
    const parts: Parsed = { body: "" };
    const chunks: Uint8Array[] = [];
    const parser = new ResponseParser({ head: (h) => (parts.head = h), body: (c) => chunks.push(c), end: (r) => (parts.ended = { reusable: r }) }, opts.method ?? "POST");
    parser.feed(bytes.subarray(0, cut));
    parser.feed(bytes.subarray(cut));
    if (opts.close) parser.closed();
    parts.body = Buffer.concat(chunks).toString("utf8");
    expect(parts).toEqual(whole);
  }
  return whole;
}

const CHUNKED = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";

describe("HTTP/1.1 response parser", () => {
  test("Content-Length: the head, the exact body, and a reusable connection", () => {
    const r = parseEveryWay('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\nX-Req: a\r\nx-req: b\r\n\r\n{"ok":"héllo"}');
    expect(r.head).toEqual({ status: 200, statusText: "OK", headers: [["content-type", "application/json"], ["content-length", "15"], ["x-req", "a"], ["x-req", "b"]] });
    expect(r.body).toBe('{"ok":"héllo"}');
    expect(r.ended).toEqual({ reusable: true });
  });

  test("chunked: sizes in either case, extensions, trailers; the body is the chunks' data only", () => {
    const raw = `${CHUNKED}5\r\nhello\r\nA;name=value\r\n, world!!!\r\n1A ; x="y"\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nx-trailer: 1\r\n\r\n`;
    const r = parseEveryWay(raw);
    expect(r.body).toBe("hello, world!!! abcdefghijklmnopqrstuvwxy");
    expect(r.ended).toEqual({ reusable: true });
  });

  test("an SSE stream arrives as it is sent: each chunk's bytes before the stream ends", () => {
    const events: string[] = [];
    let ended = false;
    const parser = new ResponseParser({ head: () => {}, body: (c) => events.push(Buffer.from(c).toString()), end: () => (ended = true) }, "POST");
    const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
    parser.feed(Buffer.from(`${CHUNKED}${chunk('data: {"a":1}\n\n')}`));
    expect(events).toEqual(['data: {"a":1}\n\n']);
    expect(ended).toBe(false);
    parser.feed(Buffer.from(`${chunk("data: [DONE]\n\n")}0\r\n\r\n`));
    expect(events.join("")).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
    expect(ended).toBe(true);
  });

  test("no length and no chunking: the body runs until the connection closes, which is then not reused", () => {
    const r = parseEveryWay("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end", { close: true });
    expect(r.body).toBe("until the end");
    expect(r.ended).toEqual({ reusable: false });
  });

  test("no body for HEAD, 204 and 304, whatever the headers say", () => {
    expect(parseEveryWay("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n", { method: "HEAD" })).toMatchObject({ body: "", ended: { reusable: true } });
    expect(parseEveryWay("HTTP/1.1 204 No Content\r\n\r\n")).toMatchObject({ head: { status: 204 }, ended: { reusable: true } });
    expect(parseEveryWay("HTTP/1.1 304 Not Modified\r\ncontent-length: 5\r\n\r\n")).toMatchObject({ body: "", ended: { reusable: true } });
  });

  test("1xx answers are skipped: the final response is the one reported", () => {
    const r = parseEveryWay("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok");
    expect(r.head?.status).toBe(201);
    expect(r.body).toBe("ok");
  });

  test("Connection: close and HTTP/1.0 make the connection single-use; Transfer-Encoding wins over Content-Length", () => {
    expect(parse("HTTP/1.1 200 OK\r\nconnection: keep-alive, close\r\ncontent-length: 1\r\n\r\nx").ended).toEqual({ reusable: false });
    expect(parse("HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\nx").ended).toEqual({ reusable: false });
    const both = parse(`HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
    expect(both).toMatchObject({ body: "hello", ended: { reusable: false } });
    expect(parse("HTTP/1.1 200 OK\r\ncontent-length: 2, 2\r\n\r\nok").body).toBe("ok");
  });

  test("an error status keeps its body (the upstream's reason reaches the client)", () => {
    const r = parse('HTTP/1.1 429 Too Many Requests\r\nretry-after: 7\r\ncontent-length: 22\r\n\r\n{"error":"rate limit"}');
    expect(r.head).toMatchObject({ status: 429, statusText: "Too Many Requests", headers: [["retry-after", "7"], ["content-length", "22"]] });
    expect(r.body).toBe('{"error":"rate limit"}');
  });

  test("malformed answers are refused, never guessed at", () => {
    const bad = [
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 20 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nbad header\r\n\r\n",
      "HTTP/1.1 200 OK\r\nx-a: 1\r\n folded: continuation\r\n\r\n",
      "HTTP/1.1 200 OK\r\ncontent-length: 2, 3\r\n\r\nok",
      "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
      `${CHUNKED}zz\r\nhello\r\n`,
      `${CHUNKED}5\r\nhelloXY`,
      `${CHUNKED}\r\n`,
      "HTTP/1.1 101 Switching Protocols\r\n\r\n",
      "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nxy",
    ];
    for (const raw of bad) expect(() => parse(raw), raw).toThrow(HttpParseError);
    expect(() => parse(`HTTP/1.1 200 OK\r\nx: ${"a".repeat(70_000)}`)).toThrow(/larger than 65536 bytes/);
  });

  test("a connection that closes early is an error: before the head, or mid-body", () => {
    expect(() => parse("HTTP/1.1 200 OK\r\ncontent-le", { close: true })).toThrow("the connection closed before a response");
    expect(() => parse("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc", { close: true })).toThrow("in the middle of the response body");
    expect(() => parse(`${CHUNKED}5\r\nhel`, { close: true })).toThrow("in the middle of the response body");
  });

  test("body slices point into the bytes fed in: no copy of the body is made", () => {
    const bytes = Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nbody");
    let slice: Uint8Array | undefined;
    new ResponseParser({ head: () => {}, body: (c) => (slice = c), end: () => {} }, "POST").feed(bytes);
    expect(slice!.buffer).toBe(bytes.buffer);
  });
});
