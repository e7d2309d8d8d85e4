// Feeding a format's push StreamDecoder by hand, and its decodeStream, the same SSE events, for the codec tests.
import type { CanonicalEvent } from "../../src/canonical/response.ts";
import { parseSse, type SseEvent } from "../../src/canonical/sse.ts";
import type { WireFormat } from "../../src/formats/types.ts";

/** What a decoder fed by hand gave: the events in order, and when it said it was done. */
export interface HandFed {
  events: CanonicalEvent[];
  /** The position of the SSE event after whose push `done` first read true (-1: only end() made it done, or never). */
  doneAt: number;
  /** What end() gave (the tail of `events`). */
  fromEnd: CanonicalEvent[];
  /** `done` after end(). */
  doneAfterEnd: boolean;
  /** What a second end() and a push after it gave (nothing, for every format). */
  afterEnd: CanonicalEvent[];
}

/**
 * Every event pushed, also those after `done` (the decoder must ignore them, as decodeStream stops reading there),
 * then end(). A decoder that kept decoding after done, or closed twice, gives more events than decodeStream.
 */
export function feedByHand(format: WireFormat, sse: SseEvent[]): HandFed {
  const decoder = format.streamDecoder();
  const events: CanonicalEvent[] = [];
  let doneAt = -1;
  for (const [i, event] of sse.entries()) {
    events.push(...decoder.push(event));
    if (decoder.done && doneAt === -1) doneAt = i;
  }
  const fromEnd = decoder.end();
  events.push(...fromEnd);
  const doneAfterEnd = decoder.done;
  const afterEnd = [...decoder.end(), ...(sse.length > 0 ? decoder.push(sse[0]!) : [])];
  return { events, doneAt, fromEnd, doneAfterEnd, afterEnd };
}

/** The same events through the format's decodeStream (the async adapter over its codec). */
export async function viaDecodeStream(format: WireFormat, sse: SseEvent[]): Promise<CanonicalEvent[]> {
  async function* source(): AsyncGenerator<SseEvent> {
    for (const event of sse) yield event;
  }
  const out: CanonicalEvent[] = [];
  for await (const event of format.decodeStream(source())) out.push(event);
  return out;
}

/** SSE text as the events parseSse makes of it, the bytes cut at random places (a seeded PRNG, so a failure reproduces). */
export async function sseEvents(text: string, seed = 1): Promise<SseEvent[]> {
  const bytes = new TextEncoder().encode(text);
  let s = seed >>> 0;
  const random = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(random() * 40);
    pieces.push(bytes.slice(i, i + n));
    i += n;
  }
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  const out: SseEvent[] = [];
  for await (const event of parseSse(body)) out.push(event);
  return out;
}

/** The start event's clock (and any id the decoder made up) set aside: two decodings of one stream then compare equal. */
export function stable(events: CanonicalEvent[]): unknown[] {
  return events.map((e) => {
    if (e.type === "start") return { ...e, created: 0 };
    if (e.type === "error") return { type: "error", kind: e.error.kind, status: e.error.status, message: e.error.message };
    return e;
  });
}
