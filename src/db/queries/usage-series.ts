// Dashboard reads of usage: totals per hour or per UTC day (and per provider, model, key), and the filtered request log.
import type { Db } from "../client.ts";
import type { UsageRow, UsageTotals } from "./usage.ts";
import { historyBounds } from "./usage-history.ts";

export const HOUR_MS = 3_600_000;

export interface UsageBucket {
  /** Start of the hour, epoch ms. */
  start: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  errors: number;
}

/**
 * Totals per hour over [from, to] (epoch ms) from the raw rows, read through the ts index. Only hours with rows
 * come back. Meant for the last day, which raw rows always cover whatever the retention.
 */
export function usageByHour(db: Db, from: number, to: number): UsageBucket[] {
  return db.$client
    .query(
      `select (ts / ${HOUR_MS}) * ${HOUR_MS} as start, count(*) as requests, sum(input_tokens) as inputTokens,
         sum(output_tokens) as outputTokens, sum(cost_usd) as costUsd, sum(status >= 400) as errors
       from usage_log where ts >= ? and ts <= ? group by 1 order by 1`,
    )
    .all(from, to) as UsageBucket[];
}

export type DayGroup = "day" | "provider" | "model" | "key";

/** The same groups as sumUsage: a raw row's and a daily row's ('' in usage_daily reads back as null). */
const DAY_GROUP: Record<DayGroup, { raw: string; daily: string }> = {
  day: { raw: "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')", daily: "day" },
  provider: { raw: "provider", daily: "nullif(provider, '')" },
  model: { raw: "coalesce(model_served, model_requested)", daily: "model" },
  // "+": grouping by key_id would otherwise walk the whole (key_id, ts) index instead of the short id range.
  key: { raw: "+key_id", daily: "nullif(key_id, '')" },
};

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Totals over whole UTC days [fromDay, toDay] (any moment inside each), grouped. Every usage_log row with
 * id <= rolledUpTo is already counted in usage_daily (kept or pruned), the rows above it are not: so the
 * daily rows of those days plus the not-yet-rolled raw rows (a primary-key range, about a minute's worth)
 * count each request exactly once, and the cost does not grow with the number of rows in the range.
 */
export function usageByDays(db: Db, groupBy: DayGroup, fromDay: number, toDay: number): UsageTotals[] {
  const { raw, daily } = DAY_GROUP[groupBy];
  const start = Math.floor(fromDay / DAY_MS) * DAY_MS;
  const end = Math.floor(toDay / DAY_MS) * DAY_MS + DAY_MS;
  const { rolledUpTo } = historyBounds(db);
  return db.$client
    .query(
      `select g as "group", sum(requests) as requests, sum(input_tokens) as inputTokens, sum(output_tokens) as outputTokens,
         sum(cost_usd) as costUsd, sum(errors) as errors
       from (
         select ${daily} as g, sum(requests) as requests, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
           sum(cost_usd) as cost_usd, sum(errors) as errors
         from usage_daily where day >= ? and day <= ? group by g
         union all
         select ${raw} as g, count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(status >= 400)
         from usage_log where id > ? and +ts >= ? and +ts < ? group by g
       )
       group by g order by g`,
    )
    .all(isoDay(start), isoDay(end - DAY_MS), rolledUpTo, start, end) as UsageTotals[];
}

export interface UsageLogFilter {
  provider?: string;
  /** Part of the requested or served model name, case-insensitive. */
  model?: string;
  keyId?: string;
  status?: "ok" | "errors";
  cacheHits?: boolean;
}

/** `%` and `_` in user text match themselves, not any character. */
function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

const COLUMNS = `id, ts, request_id as requestId, key_id as keyId, endpoint, provider, connection_id as connectionId,
  model_requested as modelRequested, model_served as modelServed, combo, attempt, stream, input_tokens as inputTokens,
  output_tokens as outputTokens, cache_read_tokens as cacheReadTokens, cache_write_tokens as cacheWriteTokens,
  reasoning_tokens as reasoningTokens, cost_usd as costUsd, latency_ms as latencyMs, ttft_ms as ttftMs, status,
  error_class as errorClass, cache`;

/**
 * The request log, newest first (by id, as GET /api/usage/logs), rows with id below `before`, every filter
 * applied in SQL, at most `limit` rows. SQLite walks the primary key backwards and stops at the limit; the
 * worst case (a filter nothing matches) is one pass over the table, ~5 ms per 100k rows. Going through the
 * (key_id, ts) index instead would sort every row of a busy key first, so `+key_id` keeps it off that index.
 */
export function listUsageLogsFiltered(db: Db, opts: UsageLogFilter & { limit: number; before?: number }): UsageRow[] {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const add = (clause: string, ...values: Array<string | number>) => {
    where.push(clause);
    params.push(...values);
  };
  if (opts.before !== undefined) add("id < ?", opts.before);
  if (opts.provider) add("provider = ?", opts.provider);
  if (opts.keyId) add("+key_id = ?", opts.keyId);
  if (opts.model) add(`(model_requested like ? escape '\\' or model_served like ? escape '\\')`, likeContains(opts.model), likeContains(opts.model));
  if (opts.status === "ok") add("status < 400");
  if (opts.status === "errors") add("status >= 400");
  if (opts.cacheHits) add("cache = 'hit'");
  const rows = db.$client
    .query(`select ${COLUMNS} from usage_log ${where.length ? `where ${where.join(" and ")}` : ""} order by id desc limit ?`)
    .all(...params, opts.limit) as Array<Omit<UsageRow, "stream"> & { stream: number }>;
  return rows.map((r) => ({ ...r, stream: r.stream === 1 }));
}
