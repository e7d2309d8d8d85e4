// cost-optimized: the account with the lowest priority value first (priority is where users rank accounts by cost).
import type { AccountStrategy } from "./types.ts";

export const costOptimized: AccountStrategy = (candidates) => [...candidates].sort((a, b) => a.priority - b.priority);
