// Queries for usage_log: the hot-path insert (prepared once), the request log page, and grouped totals.
import { and, desc, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { usageLog } from "../schema.ts";

export type UsageRow = typeof usageLog.$inferSelect;
export type NewUsageRow = typeof usageLog.$inferInsert;

export interface UsageWriter {
  insert(row: NewUsageRow): void;
}

/**
 * The hot-path writer: one statement prepared once, one synchronous insert per finished request, so
 * a row is on disk (WAL) before the client has its last byte and a killed process loses none.
 * Plain bun:sqlite here: building the statement through drizzle per row cost twice as much.
 */
export function createUsageWriter(db: Db): UsageWriter {
  const stmt = db.$client.prepare(
    `insert into usage_log (ts, request_id, key_id, endpoint, provider, connection_id, model_requested, model_served, combo,
       attempt, stream, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd,
       latency_ms, ttft_ms, status, error_class, cache)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    insert(r) {
      stmt.run(
        r.ts, r.requestId, r.keyId ?? null, r.endpoint, r.provider ?? null, r.connectionId ?? null, r.modelRequested,
        r.modelServed ?? null, r.combo ?? null, r.attempt ?? 1, r.stream ? 1 : 0, r.inputTokens ?? 0, r.outputTokens ?? 0,
        r.cacheReadTokens ?? 0, r.cacheWriteTokens ?? 0, r.reasoningTokens ?? 0, r.costUsd ?? 0, r.latencyMs ?? 0,
        r.ttftMs ?? null, r.status, r.errorClass ?? null, r.cache ?? null,
      );
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
