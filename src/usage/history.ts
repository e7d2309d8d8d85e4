// Usage history upkeep: raw rows folded into daily and hourly totals every minute, rolled rows past retention pruned in short batches.
import type { Db } from "../db/client.ts";
import { advanceRawFrom, DAY_MS, pruneHourlyBatch, pruneUsageBatch, rollupUsageBatch, startOfUtcDay } from "../db/queries/usage-history.ts";

export interface UsageHistory {
  /**
   * Fold the rows not yet rolled up into usage_daily and usage_hourly, now and synchronously (Services.flush, so on shutdown too).
   * At most one batch (5,000 ids, ~10-20 ms on a shared 2-core machine): a larger backlog (the first start after an upgrade) is left to the
   * timer, which yields between batches; rows not rolled up are still counted from usage_log meanwhile.
   */
  rollup(): number;
  /** Roll up, then delete rolled raw rows older than the retention window. Batches yield to requests between them. */
  maintain(now?: number): Promise<{ rolled: number; pruned: number }>;
  stop(): void;
}

export interface UsageHistoryOptions {
  db: Db;
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

export function createUsageHistory(opts: UsageHistoryOptions): UsageHistory {
  // 5,000 ids per batch: folding each row into its day and its hour costs ~3 µs, and a batch holds the event loop.
  const { db, retentionDays, onError, intervalMs = 60_000, pruneBatch = 5_000, rollupBatch = 5_000 } = opts;
  let running: Promise<{ rolled: number; pruned: number }> | undefined;

  async function run(now: number) {
    let rolled = 0;
    for (let batch = rollupUsageBatch(db, rollupBatch); ; batch = rollupUsageBatch(db, rollupBatch)) {
      rolled += batch.rows;
      if (batch.done) break;
      await yieldToRequests();
    }
    // Whole UTC days are pruned: a day's raw rows go once all of it is older than the window.
    advanceRawFrom(db, startOfUtcDay(now) - retentionDays() * DAY_MS);
    let pruned = 0;
    for (let n = pruneUsageBatch(db, pruneBatch); n > 0; n = pruneUsageBatch(db, pruneBatch)) {
      pruned += n;
      await yieldToRequests();
    }
    while (pruneHourlyBatch(db, pruneBatch) > 0) await yieldToRequests();
    return { rolled, pruned };
  }

  const maintain = (now = Date.now()) => {
    running ??= run(now).finally(() => (running = undefined));
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
      return rollupUsageBatch(db, rollupBatch).rows;
    },
    maintain,
    stop() {
      clearInterval(timer);
    },
  };
}
