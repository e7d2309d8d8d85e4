// Orders a provider's accounts for one request by the routing strategy (global, or the provider's override).
import type { Settings } from "../settings/schema.ts";
import type { Health } from "./health.ts";
import type { ResilienceSettings } from "./profiles.ts";
import type { Limits } from "./profiles.ts";
import type { Account, AccountPool } from "./pool.ts";
import type { AccountStrategyName } from "./strategies/index.ts";
import type { AccountStrategy } from "./strategies/types.ts";

/** What choosing an account reads: the pool, the settings, the strategies and the accounts' live health. */
export interface SelectionDeps {
  accounts: AccountPool;
  settings: { get(): Settings };
  accountStrategies: Record<AccountStrategyName, AccountStrategy>;
  health: Health;
  resilience: ResilienceSettings;
}

export function orderAccounts(deps: SelectionDeps, provider: string): Account[] {
  const accounts = deps.accounts.accountsOf(provider);
  if (accounts.length <= 1) return [...accounts];
  const settings = deps.settings.get();
  const name = settings.providerStrategies[provider] ?? settings.routingStrategy;
  return deps.accountStrategies[name](accounts, {
    provider,
    stickyLimit: settings.stickyRoundRobinLimit,
    lastUsedAt: (id) => deps.accounts.live(id).lastUsedAt,
    inFlight: (id) => deps.health.limiter.inFlight(id),
    failures: (id) =>
      deps.health.cooldowns
        .all()
        .filter((c) => c.accountId === id)
        .reduce((n, c) => n + c.failures, 0),
    random: Math.random,
  });
}

/** The account's own limits over the system defaults. */
export function limitsOf(deps: Pick<SelectionDeps, "resilience">, account: Account): Limits {
  const defaults = deps.resilience.get().limits;
  if (!account.limits) return defaults;
  const own = Object.fromEntries(Object.entries(account.limits).filter(([, v]) => v !== undefined && v !== null));
  return { ...defaults, ...own };
}

/** The first account that may serve now, for simple one-shot calls (count_tokens, tests). */
export function selectAccount(deps: SelectionDeps, provider: string): Account | undefined {
  return orderAccounts(deps, provider)[0];
}
