// random: a Fisher-Yates shuffle per request.
import type { AccountStrategy } from "./types.ts";

export const randomOrder: AccountStrategy = (candidates, ctx) => {
  const out = [...candidates];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(ctx.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
