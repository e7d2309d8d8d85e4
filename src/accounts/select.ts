// Chooses the account that serves a request: the first active account by priority (fill-first).
import type { Account, AccountPool } from "./pool.ts";

export function selectAccount(pool: AccountPool, provider: string): Account | undefined {
  return pool.accountsOf(provider)[0];
}
