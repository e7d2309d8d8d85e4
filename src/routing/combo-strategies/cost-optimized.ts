// cost-optimized: the cheapest member first by the pricing table (blended input/output price); unpriced ones last.
import type { ComboStrategy } from "./types.ts";

export const costOptimized: ComboStrategy = (members, ctx) =>
  members
    .map((m, i) => ({ m, i, p: ctx.price(m.model) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((x) => x.m);
