// Usage history upkeep: raw rows folded into daily and hourly totals every minute, rolled rows past retention pruned in short batches.
import { whileLocked } from "../db/pg-lock.ts";
import { USAGE_UPKEEP_LOCK_KEY } from "../db/pg-lock.ts";
import { advanceRawFrom, DAY_MS, pruneHourlyBatch, pruneUsageBatch, rollupUsageBatch, startOfUtcDay } from "../db/queries/usage-history.ts";
import type { Store } from "../db/store.ts";

export interface UpkeepRound {
  rolled: number;
  pruned: number;
  /** PostgreSQL: another instance was running a round, so this one did nothing. */
  skipped: boolean;
}

export interface UsageHistory {
  /**
   * Fold the rows not yet rolled up into usage_daily and usage_hourly, now (Services.flush, so on shutdown too).
   * At most one batch (5,000 ids, ~10-20 ms on a shared 2-core machine): a larger backlog (the first start after an upgrade) is left to the
   * timer, which yields between batches; rows not rolled up are still counted from usage_log meanwhile. Resolves with the rows folded.
   */
  rollup(): Promise<number>;
  /** Roll up, then delete rolled raw rows older than the retention window. Batches yield to requests between them. */
  maintain(now?: number): Promise<UpkeepRound>;
  stop(): void;
}

export interface UsageHistoryOptions {
  store: Store;
  /** Read on every run, so a settings change applies at the next one. */
  retentionDays: () => number;
  onError: (err: unknown) => void;
  /** 0: no timer (tests drive maintain() themselves). */
  intervalMs?: number;
  /** Rows deleted per statement. */
  pruneBatch?: number;
  /** usage_log ids folded per transaction. */
  rollupBatch?: number;
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * On SQLite the gateway is alone with its file. On PostgreSQL each round runs under `pg_try_advisory_lock`
 * (USAGE_UPKEEP_LOCK_KEY): when several instances share the database one runs it and the others skip that round
 * (each fold also holds a transaction lock, so even two folds at once count every row once).
 */
export function createUsageHistory(opts: UsageHistoryOptions): UsageHistory {
  // 5,000 ids per batch: folding each row into its day and its hour costs ~3 µs, and a batch holds the event loop.
  const { store, retentionDays, onError, intervalMs = 60_000, pruneBatch = 5_000, rollupBatch = 5_000 } = opts;
  let running: Promise<UpkeepRound> | undefined;

  const alone = async <T>(fn: () => Promise<T>, skipped: T): Promise<T> => {
    if (store.dialect === "sqlite") return fn();
    const round = await whileLocked(store.pg, USAGE_UPKEEP_LOCK_KEY, fn);
    return round.ran ? round.value : skipped;
  };

  async function run(now: number): Promise<UpkeepRound> {
    let rolled = 0;
    for (let batch = await rollupUsageBatch(store, rollupBatch); ; batch = await rollupUsageBatch(store, rollupBatch)) {
      rolled += batch.rows;
      if (batch.done) break;
      await yieldToRequests();
    }
    // Whole UTC days are pruned: a day's raw rows go once all of it is older than the window.
    await advanceRawFrom(store, startOfUtcDay(now) - retentionDays() * DAY_MS);
    let pruned = 0;
    for (let n = await pruneUsageBatch(store, pruneBatch); n > 0; n = await pruneUsageBatch(store, pruneBatch)) {
      pruned += n;
      await yieldToRequests();
    }
    while ((await pruneHourlyBatch(store, pruneBatch)) > 0) await yieldToRequests();
    return { rolled, pruned, skipped: false };
  }

  const maintain = (now = Date.now()) => {
    running ??= alone(() => run(now), { rolled: 0, pruned: 0, skipped: true }).finally(() => (running = undefined));
    return running;
  };

  const timer = intervalMs > 0 ? setInterval(() => maintain().catch(fail), intervalMs) : undefined;
  timer?.unref();
  function fail(err: unknown) {
    // The database was closed under us (a stopped test gateway, the end of shutdown): nothing left to keep.
    for (let e: unknown = err; e instanceof Error; e = e.cause) {
      if (e.message.includes("closed database")) return clearInterval(timer);
    }
    onError(err);
  }

  return {
    rollup() {
      return alone(async () => (await rollupUsageBatch(store, rollupBatch)).rows, 0);
    },
    maintain,
    stop() {
      clearInterval(timer);
    },
  };
}
