// random: a Fisher-Yates shuffle of the members per request.
import type { ComboStrategy } from "./types.ts";

export const random: ComboStrategy = (members, ctx) => {
  const out = [...members];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(ctx.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
