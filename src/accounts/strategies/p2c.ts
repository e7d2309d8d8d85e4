// p2c (power of two choices): two accounts drawn at random, the healthier (fewer failures, then fewer in flight) first.
import type { Account } from "../pool.ts";
import type { AccountStrategy, StrategyContext } from "./types.ts";

function score(a: Account, ctx: StrategyContext): number {
  return ctx.failures(a.id) * 1000 + ctx.inFlight(a.id);
}

export const p2c: AccountStrategy = (candidates, ctx) => {
  if (candidates.length <= 1) return [...candidates];
  const i = Math.floor(ctx.random() * candidates.length);
  let j = Math.floor(ctx.random() * (candidates.length - 1));
  if (j >= i) j++;
  const [a, b] = [candidates[i]!, candidates[j]!];
  const first = score(b, ctx) < score(a, ctx) ? b : a;
  return [first, ...candidates.filter((c) => c !== first)];
};
