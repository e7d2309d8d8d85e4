// Dashboard reads of usage: totals per hour or per UTC day (and per provider, model, key), and the filtered request log.
import type { Db } from "../client.ts";
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
export async function usageByHour(db: Db, from: number, to: number): Promise<UsageBucket[]> {
  return (await usageInRange(db, { groupBy: "hour", from, to })).map((r) => ({
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
export async function usageByDays(db: Db, groupBy: DayGroup, fromDay: number, toDay: number): Promise<UsageTotals[]> {
  const from = startOfUtcDay(fromDay);
  const to = startOfUtcDay(toDay) + DAY_MS - 1;
  return (await usageInRange(db, { groupBy, from, to })).map((r) => ({ ...r, group: r.group === null ? null : String(r.group) }));
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

/** Ids a filtered page of the request log looks through at most (~15 ms on a 2-core machine). */
export const LOG_SCAN_IDS = 200_000;

export interface LogPage {
  rows: UsageRow[];
  /** The cursor of the next page (its rows have ids below it), or null at the end of the log. */
  next: number | null;
}

/**
 * The request log, newest first (by id, as GET /api/usage/logs), rows with id below `before`, every filter
 * applied in SQL, at most `limit` rows, paged by id (keyset, never OFFSET). SQLite walks the primary key backwards
 * and stops at the limit. A filter that few rows match would walk the whole table (~80 ms per million rows), so a
 * filtered page looks through `scanIds` ids at most: when that leaves it short, `next` continues below them.
 * Going through the (key_id, ts) index instead would sort every row of a busy key first, so `+key_id` keeps it off.
 */
export function listUsageLogsFiltered(db: Db, opts: UsageLogFilter & { limit: number; before?: number; scanIds?: number }): LogPage {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const add = (clause: string, ...values: Array<string | number>) => {
    where.push(clause);
    params.push(...values);
  };
  if (opts.provider) add("provider = ?", opts.provider);
  if (opts.keyId) add("+key_id = ?", opts.keyId);
  if (opts.model)
    add(`(model_requested like ? escape '\\' or model_served like ? escape '\\')`, likeContains(opts.model), likeContains(opts.model));
  if (opts.status === "ok") add("status < 400");
  if (opts.status === "errors") add("status >= 400");
  if (opts.cacheHits) add("cache = 'hit'");
  let floor: number | undefined;
  if (where.length) {
    const top = opts.before ?? (db.$client.query("select coalesce(max(id), 0) + 1 as id from usage_log").get() as { id: number }).id;
    floor = top - (opts.scanIds ?? LOG_SCAN_IDS);
    add("id >= ?", floor);
  }
  if (opts.before !== undefined) add("id < ?", opts.before);
  const rows = (
    db.$client
      .query(`select ${COLUMNS} from usage_log ${where.length ? `where ${where.join(" and ")}` : ""} order by id desc limit ?`)
      .all(...params, opts.limit) as Array<Omit<UsageRow, "stream"> & { stream: number }>
  ).map((r) => ({ ...r, stream: r.stream === 1 }));
  if (rows.length === opts.limit) return { rows, next: rows.at(-1)!.id };
  if (floor === undefined) return { rows, next: null };
  const oldest = (db.$client.query("select min(id) as id from usage_log").get() as { id: number | null }).id;
  return { rows, next: oldest !== null && oldest < floor ? floor : null };
}
