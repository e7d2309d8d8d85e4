// Dashboard reads of usage: totals per hour or per UTC day (and per provider, model, key), and the filtered request log.
import { sql, type SQL } from "drizzle-orm";
import { first, type Store } from "../store.ts";
import type { UsageRow, UsageTotals } from "./usage.ts";
import { DAY_MS, startOfUtcDay } from "./usage-history.ts";
import { usageInRange } from "./usage-range.ts";

export { HOUR_MS } from "./usage-history.ts";

export interface UsageBucket {
  /** Start of the hour, epoch ms. */
  start: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  errors: number;
}

/** Totals per hour over [from, to] (epoch ms): only hours with rows come back. Within the retention window only. */
export async function usageByHour(s: Store, from: number, to: number): Promise<UsageBucket[]> {
  return (await usageInRange(s, { groupBy: "hour", from, to })).map((r) => ({
    start: Number(r.group),
    requests: r.requests,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd,
    errors: r.errors,
  }));
}

export type DayGroup = "day" | "provider" | "model" | "key";

/** Totals over whole UTC days [fromDay, toDay] (any moment inside each), grouped: the daily rollups and the rows not rolled up yet. */
export async function usageByDays(s: Store, groupBy: DayGroup, fromDay: number, toDay: number): Promise<UsageTotals[]> {
  const from = startOfUtcDay(fromDay);
  const to = startOfUtcDay(toDay) + DAY_MS - 1;
  return (await usageInRange(s, { groupBy, from, to })).map((r) => ({ ...r, group: r.group === null ? null : String(r.group) }));
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

const COLUMNS = `id, ts, request_id as "requestId", key_id as "keyId", endpoint, provider, connection_id as "connectionId",
  model_requested as "modelRequested", model_served as "modelServed", combo, attempt, stream, input_tokens as "inputTokens",
  output_tokens as "outputTokens", cache_read_tokens as "cacheReadTokens", cache_write_tokens as "cacheWriteTokens",
  reasoning_tokens as "reasoningTokens", cost_usd as "costUsd", latency_ms as "latencyMs", ttft_ms as "ttftMs", status,
  error_class as "errorClass", cache`;

/** Ids a filtered page of the request log looks through at most (~15 ms on a 2-core machine). */
export const LOG_SCAN_IDS = 200_000;

export interface LogPage {
  rows: UsageRow[];
  /** The cursor of the next page (its rows have ids below it), or null at the end of the log. */
  next: number | null;
}

export type LogPageQuery = UsageLogFilter & { limit: number; before?: number; scanIds?: number };

/**
 * The request log, newest first (by id, as GET /api/usage/logs), rows with id below `before`, every filter
 * applied in SQL, at most `limit` rows, paged by id (keyset, never OFFSET). The database walks the primary key
 * backwards and stops at the limit. A filter that few rows match would walk the whole table (~80 ms per million rows
 * on SQLite), so a filtered page looks through `scanIds` ids at most: when that leaves it short, `next` continues below
 * them. Going through the (key_id, ts) index instead would sort every row of a busy key first, so SQLite's `+key_id`
 * keeps it off. A model matches case-insensitively (SQLite's `like`, PostgreSQL's `ilike`).
 */
export async function listUsageLogsFiltered(s: Store, opts: LogPageQuery): Promise<LogPage> {
  const log = s.t.usageLog;
  const filters: SQL[] = [];
  if (opts.provider) filters.push(sql`provider = ${opts.provider}`);
  if (opts.keyId) filters.push(s.dialect === "sqlite" ? sql`+key_id = ${opts.keyId}` : sql`key_id = ${opts.keyId}`);
  if (opts.model) {
    const like = sql.raw(s.dialect === "sqlite" ? "like" : "ilike");
    const pattern = likeContains(opts.model);
    filters.push(sql`(model_requested ${like} ${pattern} escape '\\' or model_served ${like} ${pattern} escape '\\')`);
  }
  if (opts.status === "ok") filters.push(sql`status < 400`);
  if (opts.status === "errors") filters.push(sql`status >= 400`);
  if (opts.cacheHits) filters.push(sql`cache = 'hit'`);
  const where = [...filters];
  let floor: number | undefined;
  if (filters.length) {
    const top =
      opts.before ??
      Number(first(await s.rows<{ id: number | string }>(sql`select coalesce(max(id), 0) + 1 as id from usage_log`))?.id ?? 1);
    floor = top - (opts.scanIds ?? LOG_SCAN_IDS);
    where.push(sql`id >= ${floor}`);
  }
  if (opts.before !== undefined) where.push(sql`id < ${opts.before}`);
  const condition = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const rows = (
    await s.rows<Omit<UsageRow, "stream" | "id" | "ts"> & { id: number | string; ts: number | string; stream: number | boolean }>(
      sql`select ${sql.raw(COLUMNS)} from usage_log ${condition} order by id desc limit ${opts.limit}`,
    )
  ).map((r) => ({ ...r, id: Number(r.id), ts: Number(r.ts), stream: r.stream === 1 || r.stream === true }));
  if (rows.length === opts.limit) return { rows, next: rows.at(-1)!.id };
  if (floor === undefined) return { rows, next: null };
  const oldest = first(await s.rows<{ id: number | string | null }>(sql`select min(id) as id from usage_log`))?.id;
  return { rows, next: oldest !== null && oldest !== undefined && Number(oldest) < floor ? floor : null };
}
