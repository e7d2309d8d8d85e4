// Combo strategies: given a combo's members, the order to try them. Each is a few lines; adding one is a line here.
import type { COMBO_STRATEGIES } from "../../settings/schema.ts";

export type ComboStrategyName = (typeof COMBO_STRATEGIES)[number];

export interface ComboMember {
  model: string;
  weight: number;
}

export interface ComboContext {
  combo: string;
  random(): number;
  /** Requests a member model served recently (least-used). */
  recentRequests(model: string): number;
  /** Blended USD per 1M tokens of a member model, undefined when unknown (cost-optimized). */
  price(model: string): number | undefined;
  /** A per-combo counter that advances on every request (round-robin). */
  nextTurn(combo: string): number;
}

export type ComboStrategy = (members: readonly ComboMember[], ctx: ComboContext) => ComboMember[];

const priority: ComboStrategy = (members) => [...members];

const roundRobin: ComboStrategy = (members, ctx) => {
  const start = ctx.nextTurn(ctx.combo) % members.length;
  return [...members.slice(start), ...members.slice(0, start)];
};

const random: ComboStrategy = (members, ctx) => {
  const out = [...members];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(ctx.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

/** Weighted sampling without replacement: the first pick is proportional to weight, and so on for the rest. */
const weighted: ComboStrategy = (members, ctx) => {
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

const leastUsed: ComboStrategy = (members, ctx) =>
  members.map((m, i) => ({ m, i, n: ctx.recentRequests(m.model) })).sort((a, b) => a.n - b.n || a.i - b.i).map((x) => x.m);

const costOptimized: ComboStrategy = (members, ctx) =>
  members
    .map((m, i) => ({ m, i, p: ctx.price(m.model) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((x) => x.m);

export const COMBO_STRATEGY: Record<ComboStrategyName, ComboStrategy> = {
  priority,
  "round-robin": roundRobin,
  random,
  weighted,
  "least-used": leastUsed,
  "cost-optimized": costOptimized,
};
