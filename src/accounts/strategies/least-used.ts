// least-used: the account used longest ago (oldest lastUsedAt) first.
import type { AccountStrategy } from "./types.ts";

export const leastUsed: AccountStrategy = (candidates, ctx) => [...candidates].sort((a, b) => ctx.lastUsedAt(a.id) - ctx.lastUsedAt(b.id));
