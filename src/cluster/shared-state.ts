// REDIS_URL: the hot state every instance shares (limits, breakers, cooldowns, budget holds, cache, idempotency,
// login throttle, OAuth refresh lock), each with an in-memory fallback while Redis is away. Only the wiring imports this.
import type { SharedHealth } from "../accounts/health.ts";
import { RedisAccountLimiter } from "./account-limiter.ts";
import type { LoginThrottle } from "../auth/login-throttle.ts";
import type { ResponseCache } from "../gateway/cache.ts";
import type { IdempotencyStore } from "../gateway/idempotency.ts";
import type { RefreshLock } from "../providers/oauth/tokens.ts";
import type { BudgetHolds } from "../usage/budget-holds.ts";
import { RedisBreakers } from "./breakers.ts";
import { createRedisBudgetHolds } from "./budget-holds.ts";
import { RedisCooldowns } from "./cooldowns.ts";
import { RedisIdempotency } from "./idempotency.ts";
import { Leases } from "./leases.ts";
import { createRedisLoginThrottle } from "./login-throttle.ts";
import { createRedisRefreshLock } from "./refresh-lock.ts";
import { RedisResponseCache } from "./response-cache.ts";
import { DEFAULT_TIMEOUT_MS, RedisLink, type LinkOptions, type SharedStateStatus } from "./link.ts";

export type { SharedStateStatus };

export interface SharedState {
  health: SharedHealth;
  budgetHolds: BudgetHolds;
  cache: ResponseCache;
  idempotency: IdempotencyStore;
  loginThrottle: LoginThrottle;
  refreshLock: RefreshLock;
  /** Where hot state lives now (Redis, or this instance while Redis is away), for /readyz and the Health page. */
  status(): SharedStateStatus;
  close(): void;
}

/** Connects (bounded by the link's timeout: a Redis that is away does not delay startup) and builds the shared parts. */
export async function connectSharedState(url: string, options: LinkOptions & { leaseMs?: number } = {}): Promise<SharedState> {
  const link = new RedisLink(url, options);
  const leases = new Leases(link, options.leaseMs);
  const health: SharedHealth = (mirrors) => ({
    breakers: new RedisBreakers(link, mirrors.breakers),
    cooldowns: new RedisCooldowns(link, mirrors.cooldowns),
    limiter: new RedisAccountLimiter(link, leases),
  });
  // Startup waits for Redis no longer than one call would: a Redis that is away is joined in the background.
  await Promise.race([link.start(), Bun.sleep(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)]);
  return {
    health,
    budgetHolds: createRedisBudgetHolds(link, leases),
    cache: new RedisResponseCache(link),
    idempotency: new RedisIdempotency(link, leases),
    loginThrottle: createRedisLoginThrottle(link),
    refreshLock: createRedisRefreshLock(link),
    status: () => link.status(),
    close() {
      leases.stop();
      link.close();
    },
  };
}
