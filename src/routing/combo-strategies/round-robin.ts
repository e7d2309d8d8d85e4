// round-robin: each request starts one member further along the list than the last.
import type { ComboStrategy } from "./types.ts";

export const roundRobin: ComboStrategy = (members, ctx) => {
  const start = ctx.nextTurn(ctx.combo) % members.length;
  return [...members.slice(start), ...members.slice(0, start)];
};
