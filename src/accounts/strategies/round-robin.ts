// round-robin (sticky): stay on one account for N calls, then move to the next, per provider.
import type { AccountStrategy } from "./types.ts";

export function createRoundRobin(): AccountStrategy {
  const cursors = new Map<string, { index: number; used: number }>();
  return function roundRobin(candidates, ctx) {
    if (candidates.length <= 1) return [...candidates];
    const cursor = cursors.get(ctx.provider) ?? { index: 0, used: 0 };
    if (cursor.used >= ctx.stickyLimit) {
      cursor.index = (cursor.index + 1) % candidates.length;
      cursor.used = 0;
    }
    cursor.index %= candidates.length;
    cursor.used++;
    cursors.set(ctx.provider, cursor);
    return [...candidates.slice(cursor.index), ...candidates.slice(0, cursor.index)];
  };
}
