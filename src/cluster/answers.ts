// A kept answer (status, headers, body) as one binary Redis value: a 4-byte header length, the header JSON, the body.
import type { CapturedResponse } from "../gateway/capture.ts";

export function encodeAnswer(answer: CapturedResponse): Uint8Array {
  const head = Buffer.from(JSON.stringify({ status: answer.status, headers: answer.headers }));
  const out = Buffer.allocUnsafe(4 + head.byteLength + answer.body.byteLength);
  out.writeUInt32BE(head.byteLength, 0);
  head.copy(out, 4);
  out.set(answer.body, 4 + head.byteLength);
  return out;
}

/** The answer, or undefined when the bytes are not one (a value from another version: treated as a miss). */
export function decodeAnswer(bytes: Uint8Array): CapturedResponse | undefined {
  try {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const length = buf.readUInt32BE(0);
    const head = JSON.parse(buf.subarray(4, 4 + length).toString("utf8")) as Omit<CapturedResponse, "body">;
    if (typeof head.status !== "number" || !Array.isArray(head.headers)) return undefined;
    return { status: head.status, headers: head.headers, body: buf.subarray(4 + length) };
  } catch {
    return undefined;
  }
}
