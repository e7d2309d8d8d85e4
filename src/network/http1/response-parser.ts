// Incremental HTTP/1.1 response parser (RFC 9112): the head, then the body framed by Content-Length,
// chunked transfer coding, or the connection's close. Bytes in, events out; no I/O, no copies of body bytes.

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
}

export interface ParserSink {
  head(head: ResponseHead): void;
  /** A slice of the bytes fed in: valid until the caller lets go of them (never reused by the parser). */
  body(chunk: Uint8Array): void;
  /** The message is complete; `reusable`: the connection may carry another request. */
  end(reusable: boolean): void;
}

export class HttpParseError extends Error {
  override name = "HttpParseError";
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 4 * 1024;
const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;
const SEMICOLON = 59;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;

type State =
  | { at: "head" }
  | { at: "length"; remaining: number }
  | ChunkSize
  | { at: "chunk-data"; remaining: number }
  | { at: "chunk-data-end"; cr: boolean }
  | { at: "trailers" }
  | { at: "until-close" }
  | { at: "done" };

/** A chunk-size line, read byte by byte (it may be split anywhere): hex digits, then `;extensions`, then CRLF. */
interface ChunkSize {
  at: "chunk-size";
  size: number;
  digits: number;
  /** Past the digits: only whitespace, `;` and extensions may follow. */
  ended: boolean;
  /** In `;name=value` extensions, which are skipped. */
  ext: boolean;
  cr: boolean;
  length: number;
}

const chunkSize = (): ChunkSize => ({ at: "chunk-size", size: 0, digits: 0, ended: false, ext: false, cr: false, length: 0 });

export class ResponseParser {
  private state: State = { at: "head" };
  /** Head bytes (or one chunk-size / trailer line) not complete yet. */
  private pending: Uint8Array = new Uint8Array(0);
  private reusable = false;

  /** `method`: of the request this response answers (a HEAD response has no body). */
  constructor(private readonly sink: ParserSink, private readonly method: string) {}

  /** True once the whole response has been seen. */
  get done(): boolean {
    return this.state.at === "done";
  }

  /** Bytes of the response as they arrive; throws HttpParseError on anything malformed (the connection is then unusable). */
  feed(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      const s = this.state;
      switch (s.at) {
        case "head": at = this.readHead(bytes, at); break;
        case "length": {
          const n = Math.min(s.remaining, bytes.length - at);
          this.sink.body(bytes.subarray(at, at + n));
          at += n;
          s.remaining -= n;
          if (s.remaining === 0) this.finish();
          break;
        }
        case "chunk-size":
          at = this.readChunkSize(s, bytes, at);
          break;
        case "chunk-data": {
          const n = Math.min(s.remaining, bytes.length - at);
          this.sink.body(bytes.subarray(at, at + n));
          at += n;
          s.remaining -= n;
          if (s.remaining === 0) this.state = { at: "chunk-data-end", cr: false };
          break;
        }
        case "chunk-data-end": {
          const b = bytes[at++];
          if (b !== (s.cr ? LF : CR)) throw new HttpParseError("chunk data is not followed by CRLF");
          if (!s.cr) s.cr = true;
          else this.state = chunkSize();
          break;
        }
        case "trailers": {
          const line = this.readLine(bytes, at, MAX_HEAD_BYTES, "trailer");
          if (!line) return;
          at = line.next;
          if (line.text === "") this.finish(); // trailers are read and dropped
          break;
        }
        case "until-close":
          this.sink.body(bytes.subarray(at));
          return;
        case "done":
          // Nothing may follow a complete response before the next request (no pipelining here).
          throw new HttpParseError("the server sent bytes after the end of the response");
      }
    }
  }

  /** The connection closed: ends a body delimited by the close; anywhere else the response was cut short. */
  closed(): void {
    if (this.state.at === "until-close") {
      this.state = { at: "done" };
      this.sink.end(false);
      return;
    }
    if (this.state.at !== "done") throw new HttpParseError(this.state.at === "head" ? "the connection closed before a response" : "the connection closed in the middle of the response body");
  }

  private finish(): void {
    this.state = { at: "done" };
    this.sink.end(this.reusable);
  }

  /** Accumulate until CRLFCRLF, then parse the head and pick the body's framing. Returns where the body starts. */
  private readHead(bytes: Uint8Array, at: number): number {
    const data = this.pending.length ? concat(this.pending, bytes.subarray(at)) : bytes.subarray(at);
    const end = indexOfHeadEnd(data, Math.max(0, this.pending.length - 3));
    if (end === -1) {
      if (data.length > MAX_HEAD_BYTES) throw new HttpParseError(`the response head is larger than ${MAX_HEAD_BYTES} bytes`);
      this.pending = data.slice(); // a copy: the caller's buffer is not ours to keep
      return bytes.length;
    }
    const consumedFromBytes = end + 4 - this.pending.length;
    this.pending = new Uint8Array(0);
    this.startBody(parseHead(latin1(data.subarray(0, end))));
    return at + consumedFromBytes;
  }

  private startBody(parsed: ParsedHead): void {
    const { head, http10 } = parsed;
    // 1xx (100 Continue, 103 Early Hints): informational, the real response follows.
    if (head.status >= 100 && head.status < 200) {
      if (head.status === 101) throw new HttpParseError("the server switched protocols (101), which an API call never asks for");
      return;
    }
    const header = (name: string) => head.headers.filter(([k]) => k === name).map(([, v]) => v);
    const connection = header("connection").join(",").toLowerCase();
    this.reusable = !http10 && !/(?:^|,)\s*close\s*(?:,|$)/.test(connection);
    this.sink.head(head);

    if (this.method === "HEAD" || head.status === 204 || head.status === 304) return this.finish();
    const transfer = header("transfer-encoding");
    if (transfer.length) {
      const codings = transfer.join(",").split(",").map((c) => c.trim().toLowerCase()).filter(Boolean);
      // With both framings present Transfer-Encoding wins, and the connection is not trusted again (RFC 9112 §6.3).
      if (header("content-length").length) this.reusable = false;
      if (codings.at(-1) === "chunked") {
        this.state = chunkSize();
        return;
      }
      this.reusable = false;
      this.state = { at: "until-close" };
      return;
    }
    // Repeated values are allowed when they agree ("Content-Length: 42, 42"), RFC 9110 §8.6.
    const lengths = header("content-length").flatMap((v) => v.split(",")).map((v) => v.trim());
    if (lengths.length) {
      if (!lengths.every((v) => /^\d{1,15}$/.test(v))) throw new HttpParseError(`invalid Content-Length: ${lengths.join(", ")}`);
      const length = Number(lengths[0]);
      if (lengths.some((v) => Number(v) !== length)) throw new HttpParseError(`conflicting Content-Length values: ${lengths.join(", ")}`);
      if (length === 0) return this.finish();
      this.state = { at: "length", remaining: length };
      return;
    }
    this.reusable = false;
    this.state = { at: "until-close" };
  }

  /** Reads the chunk-size line from `at`; returns where it stopped (the end of `bytes`, or the next chunk's data). */
  private readChunkSize(s: ChunkSize, bytes: Uint8Array, at: number): number {
    for (; at < bytes.length; at++) {
      const b = bytes[at]!;
      if (++s.length > MAX_CHUNK_LINE) throw new HttpParseError("chunk size line is too long");
      if (s.cr) {
        if (b !== LF || s.digits === 0) throw new HttpParseError("malformed chunk size line");
        this.state = s.size === 0 ? { at: "trailers" } : { at: "chunk-data", remaining: s.size };
        return at + 1;
      }
      if (b === CR) s.cr = true;
      else if (s.ext) continue;
      else if (b === SEMICOLON) s.ext = true;
      else if (b === SPACE || b === TAB) s.ended = s.digits > 0;
      else {
        const digit = hexValue(b);
        if (digit < 0 || s.ended || ++s.digits > 12) throw new HttpParseError("invalid chunk size");
        s.size = s.size * 16 + digit;
      }
    }
    return at;
  }

  /** One CRLF-terminated line (possibly spread over several feeds); undefined until it is complete. */
  private readLine(bytes: Uint8Array, at: number, max: number, what: string): { text: string; next: number } | undefined {
    const lf = bytes.indexOf(LF, at);
    if (lf === -1) {
      this.pending = concat(this.pending, bytes.subarray(at));
      if (this.pending.length > max + 2) throw new HttpParseError(`${what} is too long`);
      return undefined;
    }
    const line = this.pending.length ? concat(this.pending, bytes.subarray(at, lf + 1)) : bytes.subarray(at, lf + 1);
    this.pending = new Uint8Array(0);
    if (line.length < 2 || line[line.length - 2] !== CR) throw new HttpParseError(`${what} does not end with CRLF`);
    if (line.length - 2 > max) throw new HttpParseError(`${what} is too long`);
    return { text: latin1(line.subarray(0, line.length - 2)), next: lf + 1 };
  }
}

interface ParsedHead {
  head: ResponseHead;
  http10: boolean;
}

function parseHead(text: string): ParsedHead {
  const lines = text.split("\r\n");
  const status = STATUS_LINE.exec(lines[0]!);
  if (!status) throw new HttpParseError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0]!.slice(0, 100))}`);
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    // A folded line (obsolete, RFC 9112 §5.2) or a name with spaces is refused: it is how responses get smuggled.
    if (!TOKEN.test(name)) throw new HttpParseError(`malformed header line: ${JSON.stringify(line.slice(0, 100))}`);
    headers.push([name.toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { head: { status: Number(status[2]), statusText: status[3] ?? "", headers }, http10: status[1] === "0" };
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48; // 0-9
  if (b >= 97 && b <= 102) return b - 87; // a-f
  if (b >= 65 && b <= 70) return b - 55; // A-F
  return -1;
}

/** Index of CRLFCRLF in `data` (searching from `from`), or -1. */
function indexOfHeadEnd(data: Uint8Array, from: number): number {
  for (let i = data.indexOf(CR, from); i !== -1 && i + 3 < data.length; i = data.indexOf(CR, i + 1)) {
    if (data[i + 1] === LF && data[i + 2] === CR && data[i + 3] === LF) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}
