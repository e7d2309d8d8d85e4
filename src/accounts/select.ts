// Orders a provider's accounts for one request by the routing strategy (global, or the provider's override).
import type { Services } from "../services.ts";
import type { Limits } from "./profiles.ts";
import type { Account } from "./pool.ts";

export function orderAccounts(services: Services, provider: string): Account[] {
  const accounts = services.accounts.accountsOf(provider);
  if (accounts.length <= 1) return [...accounts];
  const settings = services.settings.get();
  const name = settings.providerStrategies[provider] ?? settings.routingStrategy;
  return services.accountStrategies[name](accounts, {
    provider,
    stickyLimit: settings.stickyRoundRobinLimit,
    lastUsedAt: (id) => services.accounts.live(id).lastUsedAt,
    inFlight: (id) => services.health.limiter.inFlight(id),
    failures: (id) => services.health.cooldowns.all().filter((c) => c.accountId === id).reduce((n, c) => n + c.failures, 0),
    random: Math.random,
  });
}

/** The account's own limits over the system defaults. */
export function limitsOf(services: Services, account: Account): Limits {
  const defaults = services.resilience.get().limits;
  if (!account.limits) return defaults;
  const own = Object.fromEntries(Object.entries(account.limits).filter(([, v]) => v !== undefined && v !== null));
  return { ...defaults, ...own };
}

/** The first account that may serve now, for simple one-shot calls (count_tokens, tests). */
export function selectAccount(services: Services, provider: string): Account | undefined {
  return orderAccounts(services, provider)[0];
}
