// Queries for usage_log: the hot-path insert (prepared once), the request log page, and grouped totals (raw + daily).
import { desc, lt } from "drizzle-orm";
import { dirname } from "node:path";
import type { Db } from "../client.ts";
import { createGroupCommit, type GroupCommitOptions, type RowWriter, type RowWriterStatus } from "../group-commit.ts";
import { usageLog } from "../schema.ts";
import { historyBounds, utcDay } from "./usage-history.ts";

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
      r.ts, r.requestId, r.keyId ?? null, r.endpoint, r.provider ?? null, r.connectionId ?? null, r.modelRequested,
      r.modelServed ?? null, r.combo ?? null, r.attempt ?? 1, r.stream ? 1 : 0, r.inputTokens ?? 0, r.outputTokens ?? 0,
      r.cacheReadTokens ?? 0, r.cacheWriteTokens ?? 0, r.reasoningTokens ?? 0, r.costUsd ?? 0, r.latencyMs ?? 0,
      r.ttftMs ?? null, r.status, r.errorClass ?? null, r.cache ?? null,
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

/** The group of a raw row and of a daily row; '' in usage_daily reads back as null, as in usage_log. */
const GROUP_COLUMN: Record<UsageGroupBy, { raw: string; daily: string }> = {
  provider: { raw: "provider", daily: "nullif(provider, '')" },
  model: { raw: "coalesce(model_served, model_requested)", daily: "model" },
  key: { raw: "key_id", daily: "nullif(key_id, '')" },
  day: { raw: "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')", daily: "day" },
};

/**
 * Totals over [from, to] (epoch ms, inclusive). Raw rows answer to the millisecond; days whose raw rows were
 * pruned (older than the retention window) come from usage_daily, and there from/to select whole UTC days
 * (a day counts when it overlaps the range). Each request is counted once (see HistoryBounds).
 */
export function sumUsage(db: Db, opts: { groupBy: UsageGroupBy; from?: number; to?: number }): UsageTotals[] {
  const { raw, daily } = GROUP_COLUMN[opts.groupBy];
  const from = opts.from ?? 0;
  const to = opts.to ?? Number.MAX_SAFE_INTEGER;
  const b = historyBounds(db);
  return db.$client
    .query(
      `select g as "group", sum(requests) as requests, sum(input_tokens) as inputTokens, sum(output_tokens) as outputTokens,
         sum(cost_usd) as costUsd, sum(errors) as errors
       from (
         select ${raw} as g, count(*) as requests, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
           sum(cost_usd) as cost_usd, sum(status >= 400) as errors
         from usage_log where ts >= ? and ts <= ? and (ts >= ? or id > ?) group by g
         union all
         select ${daily} as g, sum(requests), sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(errors)
         from usage_daily where day >= ? and day <= ? and day < ? group by g
       )
       group by g order by g`,
    )
    .all(from, to, b.rawFrom, b.rolledUpTo, utcDay(from), utcDay(to), b.rawFromDay) as UsageTotals[];
}
