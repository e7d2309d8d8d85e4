// X-OmniRoute-Progress: a progress frame at most every 250 ms between the stream's own frames.
import type { StreamProgress } from "../formats/types.ts";

const INTERVAL_MS = 250;
const encoder = new TextEncoder();

export interface ProgressTicker {
  /** Count `frames` just sent, and `send` a progress frame when one is due. */
  tick(send: (bytes: Uint8Array) => unknown, frames: number): void;
}

export function createProgressTicker(frame: (p: StreamProgress) => string, startedAt: number): ProgressTicker {
  let tokens = 0;
  let last = 0;
  return {
    tick(send, frames) {
      tokens += frames;
      const now = performance.now();
      if (last !== 0 && now - last < INTERVAL_MS) return;
      last = now;
      send(encoder.encode(frame({ tokens, elapsedMs: Math.round(now - startedAt) })));
    },
  };
}
