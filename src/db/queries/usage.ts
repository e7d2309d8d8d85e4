// Queries for usage_log: the hot-path insert (prepared once), the request log page, and grouped totals (from the rollups).
import { desc, lt } from "drizzle-orm";
import { dirname } from "node:path";
import type { Db } from "../client.ts";
import { createGroupCommit, type GroupCommitOptions, type RowWriter, type RowWriterStatus } from "../group-commit.ts";
import { usageLog } from "../schema.ts";
import { usageInRange } from "./usage-range.ts";

export type UsageRow = typeof usageLog.$inferSelect;
export type NewUsageRow = typeof usageLog.$inferInsert;

/** The hot-path writer of usage rows (see createUsageWriter). */
export type UsageWriter = RowWriter<NewUsageRow>;
export type UsageWriterStatus = RowWriterStatus;

/**
 * The hot-path writer: a statement prepared once, and group commit — the rows of requests that finish
 * in the same turn of the event loop go in one transaction, at the end of that turn. Callers await
 * `written()` before the client sees the end of its answer, so a killed process loses no row of a
 * completed request, while a busy gateway pays one commit for many rows instead of one each. Rows the
 * database cannot take (a full disk) are held in memory, bounded, and written when it takes them again.
 * Plain bun:sqlite here: building the statement through drizzle per row cost twice as much.
 */
export function createUsageWriter(db: Db, opts: Partial<GroupCommitOptions> = {}): UsageWriter {
  const stmt = db.$client.prepare(
    `insert into usage_log (ts, request_id, key_id, endpoint, provider, connection_id, model_requested, model_served, combo,
       attempt, stream, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd,
       latency_ms, ttft_ms, status, error_class, cache)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const run = (r: NewUsageRow) =>
    stmt.run(
      r.ts,
      r.requestId,
      r.keyId ?? null,
      r.endpoint,
      r.provider ?? null,
      r.connectionId ?? null,
      r.modelRequested,
      r.modelServed ?? null,
      r.combo ?? null,
      r.attempt ?? 1,
      r.stream ? 1 : 0,
      r.inputTokens ?? 0,
      r.outputTokens ?? 0,
      r.cacheReadTokens ?? 0,
      r.cacheWriteTokens ?? 0,
      r.reasoningTokens ?? 0,
      r.costUsd ?? 0,
      r.latencyMs ?? 0,
      r.ttftMs ?? null,
      r.status,
      r.errorClass ?? null,
      r.cache ?? null,
    );
  const transaction = db.$client.transaction((rows: NewUsageRow[]) => {
    for (const r of rows) run(r);
  });
  const commit = (rows: NewUsageRow[]) => {
    if (rows.length === 1) run(rows[0]!);
    else transaction(rows);
  };
  return createGroupCommit(commit, { what: "usage rows", where: dirname(db.$client.filename), ...opts });
}

export function listUsageLogs(db: Db, opts: { limit: number; before?: number }): UsageRow[] {
  const q = db.select().from(usageLog);
  return (opts.before !== undefined ? q.where(lt(usageLog.id, opts.before)) : q).orderBy(desc(usageLog.id)).limit(opts.limit).all();
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
export async function sumUsage(db: Db, opts: { groupBy: UsageGroupBy; from?: number; to?: number }): Promise<UsageTotals[]> {
  return (await usageInRange(db, opts)).map((r) => ({ ...r, group: r.group === null ? null : String(r.group) }));
}
