// AWS event-stream framing (application/vnd.amazon.eventstream): a streaming decoder that checks both CRCs, and an encoder.
//
// Wire layout, big-endian throughout (AWS "Event stream encoding", e.g. docs.aws.amazon.com/lexv2/latest/dg/event-stream-encoding.html,
// and the Transcribe page it mirrors):
//   total length u32 | headers length u32 | prelude CRC32 (of the 8 bytes before it)
//   headers: name length u8, name (UTF-8), value type u8, value   (type 7 = string: u16 length + UTF-8)
//   payload: total - headers - 16 bytes
//   message CRC32 (of every byte before it)
// CRC32 is the GZIP/IEEE one (Bun.hash.crc32). Total overhead is 16 bytes.
import { GatewayError } from "../../canonical/errors.ts";

export type HeaderValue = boolean | number | bigint | string | Uint8Array | Date;

export interface EventStreamMessage {
  headers: Record<string, HeaderValue>;
  payload: Uint8Array;
}

const PRELUDE_BYTES = 12;
const OVERHEAD_BYTES = 16;
/** A frame larger than this is taken as corruption, not data (AWS caps event-stream messages at 16 MiB). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function malformed(why: string): GatewayError {
  return new GatewayError("upstream", `Kiro answered a malformed event stream: ${why}`, { code: "bad_event_stream" });
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The headers block of one message, every value type the encoding defines (0..9). */
export function parseHeaders(bytes: Uint8Array): Record<string, HeaderValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headers: Record<string, HeaderValue> = {};
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw malformed("a header runs past the headers block");
  };
  while (at < bytes.length) {
    need(1);
    const nameLength = bytes[at++]!;
    need(nameLength + 1);
    const name = decoder.decode(bytes.subarray(at, at + nameLength));
    at += nameLength;
    const type = bytes[at++]!;
    switch (type) {
      case 0:
        headers[name] = true;
        break;
      case 1:
        headers[name] = false;
        break;
      case 2:
        need(1);
        headers[name] = view.getInt8(at);
        at += 1;
        break;
      case 3:
        need(2);
        headers[name] = view.getInt16(at);
        at += 2;
        break;
      case 4:
        need(4);
        headers[name] = view.getInt32(at);
        at += 4;
        break;
      case 5:
        need(8);
        headers[name] = view.getBigInt64(at);
        at += 8;
        break;
      case 6:
      case 7: {
        need(2);
        const length = view.getUint16(at);
        at += 2;
        need(length);
        const value = bytes.subarray(at, at + length);
        headers[name] = type === 7 ? decoder.decode(value) : value.slice();
        at += length;
        break;
      }
      case 8:
        need(8);
        headers[name] = new Date(Number(view.getBigInt64(at)));
        at += 8;
        break;
      case 9:
        need(16);
        headers[name] = hex(bytes.subarray(at, at + 16));
        at += 16;
        break;
      default:
        throw malformed(`unknown header value type ${type} for "${name}"`);
    }
  }
  return headers;
}

/**
 * Feeds on bytes as they arrive, in any split, and gives back each complete message once its message CRC checks.
 * A bad prelude CRC or length is reported at once (the rest of the stream cannot be framed after it).
 */
export class EventStreamDecoder {
  private buffer = new Uint8Array(0);
  private start = 0;
  private end = 0;

  push(chunk: Uint8Array): EventStreamMessage[] {
    this.append(chunk);
    const out: EventStreamMessage[] = [];
    for (let message = this.next(); message; message = this.next()) out.push(message);
    return out;
  }

  /** The stream closed: leftover bytes mean the last message was cut. */
  finish(): void {
    if (this.end > this.start) throw malformed(`the stream ended inside a message (${this.end - this.start} bytes left over)`);
  }

  private append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.buffer.length) {
      const pending = this.end - this.start;
      if (pending + chunk.length <= this.buffer.length) {
        this.buffer.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(Math.max(pending + chunk.length, this.buffer.length * 2, 4096));
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
      }
      this.start = 0;
      this.end = pending;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }

  private next(): EventStreamMessage | undefined {
    const available = this.end - this.start;
    if (available < PRELUDE_BYTES) return undefined;
    const view = new DataView(this.buffer.buffer, this.buffer.byteOffset + this.start, available);
    const total = view.getUint32(0);
    const headersLength = view.getUint32(4);
    const preludeCrc = view.getUint32(8);
    if (Bun.hash.crc32(this.buffer.subarray(this.start, this.start + 8)) !== preludeCrc) throw malformed("prelude CRC mismatch");
    if (total < OVERHEAD_BYTES || total > MAX_MESSAGE_BYTES || headersLength > total - OVERHEAD_BYTES) {
      throw malformed(`impossible lengths (total ${total}, headers ${headersLength})`);
    }
    if (available < total) return undefined;
    const frame = this.buffer.subarray(this.start, this.start + total);
    const messageCrc = view.getUint32(total - 4);
    if (Bun.hash.crc32(frame.subarray(0, total - 4)) !== messageCrc) throw malformed("message CRC mismatch");
    const headers = parseHeaders(frame.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headersLength));
    const payload = frame.slice(PRELUDE_BYTES + headersLength, total - 4);
    this.start += total;
    if (this.start === this.end) this.start = this.end = 0;
    return { headers, payload };
  }
}

/** The messages of a response body, yielded as each one is complete. */
export async function* decodeEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<EventStreamMessage> {
  const decoder = new EventStreamDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const message of decoder.push(value)) yield message;
    }
    decoder.finish();
  } finally {
    reader.releaseLock();
  }
}

/** One message with string headers (type 7), as AWS services send them; used by the test fakes. */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === "string" ? encoder.encode(payload) : payload;
  const parts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = encoder.encode(name);
    const v = encoder.encode(value);
    const h = new Uint8Array(1 + n.length + 1 + 2 + v.length);
    h[0] = n.length;
    h.set(n, 1);
    h[1 + n.length] = 7;
    new DataView(h.buffer).setUint16(2 + n.length, v.length);
    h.set(v, 4 + n.length);
    parts.push(h);
  }
  const headersLength = parts.reduce((sum, p) => sum + p.length, 0);
  const total = OVERHEAD_BYTES + headersLength + body.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headersLength);
  view.setUint32(8, Bun.hash.crc32(out.subarray(0, 8)));
  let at = PRELUDE_BYTES;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.set(body, at);
  view.setUint32(total - 4, Bun.hash.crc32(out.subarray(0, total - 4)));
  return out;
}
