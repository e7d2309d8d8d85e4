// The async-iterable stream interface of every format (decodeStream, encodeStream) over its push codecs
// (StreamDecoder, StreamEncoder): one definition of how a stream is read, stopped and closed.
import type { CanonicalEvent } from "../canonical/response.ts";
import { toGatewayError } from "../canonical/errors.ts";
import type { SseEvent } from "../canonical/sse.ts";
import type { StreamDecoder, StreamEncoder } from "./types.ts";

/** Canonical events from SSE events: each pushed as it arrives; reading stops once the decoder is done. */
export async function* decodeStreamWith(decoder: StreamDecoder, events: AsyncIterable<SseEvent>): AsyncGenerator<CanonicalEvent> {
  for await (const event of events) {
    for (const out of decoder.push(event)) yield out;
    if (decoder.done) break;
  }
  for (const out of decoder.end()) yield out;
}

/** Frames from canonical events; a broken input ends with the format's error frame(s). */
export async function* encodeStreamWith(encoder: StreamEncoder, events: AsyncIterable<CanonicalEvent>): AsyncGenerator<string> {
  try {
    for await (const event of events) {
      for (const frame of encoder.push(event)) yield frame;
      if (encoder.done) return;
    }
  } catch (err) {
    for (const frame of encoder.fail(toGatewayError(err))) yield frame;
    return;
  }
  for (const frame of encoder.end()) yield frame;
}
