// Feeding a push StreamEncoder by hand, next to the same events through the format's async encodeStream.
import { expect } from "bun:test";
import { GatewayError } from "../../src/canonical/errors.ts";
import type { CanonicalEvent } from "../../src/canonical/response.ts";
import type { StreamEncoder } from "../../src/formats/types.ts";

/**
 * The frames an encoder gives when pushed `events` one by one (stopping once it is done, as the translated path
 * does), then closed: with `fail(err)` when `err` is given, else with `end()`. Once done, both must give nothing.
 */
export function feedByHand(encoder: StreamEncoder, events: CanonicalEvent[], err?: GatewayError): string[] {
  const frames: string[] = [];
  for (const event of events) {
    frames.push(...encoder.push(event));
    if (encoder.done) break;
  }
  frames.push(...(err ? encoder.fail(err) : encoder.end()));
  expect(encoder.done).toBe(true);
  expect(encoder.end()).toEqual([]);
  expect(encoder.fail(new GatewayError("upstream", "late"))).toEqual([]);
  return frames;
}

/** The same events through an async encodeStream; with `err`, the source throws it after the last event. */
export async function feedAsync(
  encodeStream: (events: AsyncIterable<CanonicalEvent>) => AsyncIterable<string>,
  events: CanonicalEvent[],
  err?: GatewayError,
): Promise<string[]> {
  async function* source(): AsyncGenerator<CanonicalEvent> {
    for (const event of events) {
      await Bun.sleep(0);
      yield event;
    }
    if (err) throw err;
  }
  const frames: string[] = [];
  for await (const frame of encodeStream(source())) frames.push(frame);
  return frames;
}

/**
 * Random ids and clock readings replaced by stable placeholders (numbered by first appearance; a number stays a
 * number, so the JSON still parses), so two runs compare.
 */
export function stable(frames: string[], random: RegExp[]): string[] {
  const seen = new Map<string, string>();
  return frames.map((frame) => {
    let out = frame;
    for (const pattern of random) {
      out = out.replace(pattern, (id) => {
        let name = seen.get(id);
        if (!name) seen.set(id, (name = /^\d+$/.test(id) ? String(seen.size) : `<id${seen.size}>`));
        return name;
      });
    }
    return out;
  });
}

/** The `data:` JSON of each frame (an SSE frame may carry an `event:` line first). */
export function dataOf(frames: string[]): unknown[] {
  return frames.map((frame) => {
    const line = frame.split("\n").find((l) => l.startsWith("data: "));
    const data = line?.slice(6) ?? "";
    return data === "[DONE]" ? "[DONE]" : JSON.parse(data);
  });
}
