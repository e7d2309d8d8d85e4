// Queries for usage_log: the request log page and grouped totals (from the rollups). The hot-path writer is src/db/usage-writer.ts.
import { desc, lt } from "drizzle-orm";
import type { usageLog } from "../schema.ts";
import type { Store } from "../store.ts";
import { usageInRange } from "./usage-range.ts";

export type UsageRow = typeof usageLog.$inferSelect;
export type NewUsageRow = typeof usageLog.$inferInsert;

export async function listUsageLogs(s: Store, opts: { limit: number; before?: number }): Promise<UsageRow[]> {
  const q = s.db.select().from(s.t.usageLog);
  return (opts.before !== undefined ? q.where(lt(s.t.usageLog.id, opts.before)) : q).orderBy(desc(s.t.usageLog.id)).limit(opts.limit);
}

export type UsageGroupBy = "provider" | "model" | "key" | "day";

export interface UsageTotals {
  group: string | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  errors: number;
}

/**
 * Totals over [from, to] (epoch ms, inclusive), grouped: whole days from usage_daily, edge hours from usage_hourly,
 * raw rows only for a partial hour at either end (see usageInRange). Exactly what the raw rows give; days whose raw
 * rows were pruned (older than the retention window) count whole when the range touches them.
 */
export async function sumUsage(s: Store, opts: { groupBy: UsageGroupBy; from?: number; to?: number }): Promise<UsageTotals[]> {
  return (await usageInRange(s, opts)).map((r) => ({ ...r, group: r.group === null ? null : String(r.group) }));
}
