// least-used: the member that served the fewest requests recently first (ties keep the combo's order).
import type { ComboStrategy } from "./types.ts";

export const leastUsed: ComboStrategy = (members, ctx) =>
  members
    .map((m, i) => ({ m, i, n: ctx.recentRequests(m.model) }))
    .sort((a, b) => a.n - b.n || a.i - b.i)
    .map((x) => x.m);
