// The contract of an account selection strategy: candidates in, the order to try them out.
import type { Account } from "../pool.ts";

export interface StrategyContext {
  provider: string;
  /** Calls to stay on one account before round-robin moves on. */
  stickyLimit: number;
  lastUsedAt(accountId: string): number;
  inFlight(accountId: string): number;
  /** Consecutive recent failures of the account (0 = healthy). */
  failures(accountId: string): number;
  random(): number;
}

/** Orders the candidates (already by priority) into the order to try them. Pure but for its own small state. */
export type AccountStrategy = (candidates: readonly Account[], ctx: StrategyContext) => Account[];
