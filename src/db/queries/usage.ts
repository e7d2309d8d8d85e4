// Queries for usage_log: the hot-path insert (prepared once), the request log page, and grouped totals.
import { and, desc, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { usageLog } from "../schema.ts";

export type UsageRow = typeof usageLog.$inferSelect;
export type NewUsageRow = typeof usageLog.$inferInsert;

export interface UsageWriter {
  insert(row: NewUsageRow): void;
}

/** A writer whose statement is prepared once; one insert per finished request. */
export function createUsageWriter(db: Db): UsageWriter {
  return {
    insert(row) {
      db.insert(usageLog).values(row).run();
    },
  };
}

export function listUsageLogs(db: Db, opts: { limit: number; before?: number }): UsageRow[] {
  const q = db.select().from(usageLog);
  return (opts.before !== undefined ? q.where(lt(usageLog.id, opts.before)) : q)
    .orderBy(desc(usageLog.id))
    .limit(opts.limit)
    .all();
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

const GROUP_COLUMN: Record<UsageGroupBy, SQL> = {
  provider: sql`${usageLog.provider}`,
  model: sql`coalesce(${usageLog.modelServed}, ${usageLog.modelRequested})`,
  key: sql`${usageLog.keyId}`,
  day: sql`strftime('%Y-%m-%d', ${usageLog.ts} / 1000, 'unixepoch')`,
};

export function sumUsage(db: Db, opts: { groupBy: UsageGroupBy; from?: number; to?: number }): UsageTotals[] {
  const group = GROUP_COLUMN[opts.groupBy];
  const where = and(
    opts.from !== undefined ? gte(usageLog.ts, opts.from) : undefined,
    opts.to !== undefined ? lte(usageLog.ts, opts.to) : undefined,
  );
  return db
    .select({
      group: sql<string | null>`${group}`,
      requests: sql<number>`count(*)`,
      inputTokens: sql<number>`coalesce(sum(${usageLog.inputTokens}), 0)`,
      outputTokens: sql<number>`coalesce(sum(${usageLog.outputTokens}), 0)`,
      costUsd: sql<number>`coalesce(sum(${usageLog.costUsd}), 0)`,
      errors: sql<number>`coalesce(sum(case when ${usageLog.status} >= 400 then 1 else 0 end), 0)`,
    })
    .from(usageLog)
    .where(where)
    .groupBy(group)
    .orderBy(group)
    .all();
}
