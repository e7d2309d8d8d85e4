// Live health of providers and accounts — breakers, cooldowns, limits — kept in memory and snapshotted to the store.
import type { Store } from "../db/store.ts";
import { readResilienceState, writeResilienceState } from "../db/queries/resilience-state.ts";
import { MemoryBreakers, type BreakerState, type CircuitBreakers } from "./breaker.ts";
import { MemoryCooldowns, type AccountCooldowns, type Cooldown } from "./cooldowns.ts";
import { MemoryAccountLimiter, type AccountLimiter } from "./limits.ts";
import { createSnapshotWriter } from "../db/snapshot-writer.ts";

const SNAPSHOT_KEY = "health";
const SNAPSHOT_DELAY_MS = 200;

interface Snapshot {
  breakers: BreakerState[];
  cooldowns: Cooldown[];
}

export interface Health {
  breakers: CircuitBreakers;
  cooldowns: AccountCooldowns;
  limiter: AccountLimiter;
  /** Write the snapshot now (also done shortly after every change, and at shutdown). */
  flush(): Promise<void>;
}

/** In-memory parts a shared store (REDIS_URL) keeps as its local mirrors, and what it gives the gateway instead. */
export interface HealthMirrors {
  breakers: MemoryBreakers;
  cooldowns: MemoryCooldowns;
}
export type SharedHealth = (mirrors: HealthMirrors) => Pick<Health, "breakers" | "cooldowns" | "limiter">;

/**
 * Restored from its last snapshot. With REDIS_URL, breakers and cooldowns are shared (`shared` wraps the in-memory
 * ones as mirrors); several instances on one store restore the last snapshot any of them wrote.
 */
export async function createHealth(store: Store, now = Date.now(), shared?: SharedHealth): Promise<Health> {
  const snapshot = createSnapshotWriter(async () => {
    const state: Snapshot = { breakers: health.breakers.all(), cooldowns: health.cooldowns.all() };
    await writeResilienceState(store, SNAPSHOT_KEY, state);
  }, SNAPSHOT_DELAY_MS);
  const changed = snapshot.changed;
  const flush = snapshot.flush;
  const mirrors = { breakers: new MemoryBreakers(changed), cooldowns: new MemoryCooldowns(changed) };
  const health: Health = { ...mirrors, limiter: new MemoryAccountLimiter(), ...shared?.(mirrors), flush };
  const saved = await readResilienceState<Snapshot>(store, SNAPSHOT_KEY);
  if (saved) {
    health.breakers.restore(saved.breakers.filter((b) => b.phase !== "closed" || b.failures > 0));
    health.cooldowns.restore(saved.cooldowns.filter((c) => c.until > now || c.failures > 0));
  }
  return health;
}
