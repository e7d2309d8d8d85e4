// weighted: sampling without replacement, the first pick proportional to weight, and so on for the rest.
import type { ComboMember, ComboStrategy } from "./types.ts";

export const weighted: ComboStrategy = (members, ctx) => {
  const pool = [...members];
  const out: ComboMember[] = [];
  while (pool.length) {
    const total = pool.reduce((sum, m) => sum + Math.max(0, m.weight), 0);
    let pick = 0;
    if (total > 0) {
      let r = ctx.random() * total;
      pick = pool.findIndex((m) => (r -= Math.max(0, m.weight)) < 0);
      if (pick === -1) pick = pool.length - 1;
    }
    out.push(pool.splice(pick, 1)[0]!);
  }
  return out;
};
