// Queries for usage history: folding usage_log rows into usage_daily and usage_hourly, pruning rolled raw rows, and the watermarks.
import type { Db } from "../client.ts";
import { eq } from "drizzle-orm";
import { settings } from "../schema.ts";

// The two watermarks read and written synchronously while this file is on bun:sqlite; settings.ts is async now
// (issue 17, the configuration half). When this file moves onto the Store, it awaits settings.ts's instead.
const readSetting = <T>(db: Db, key: string): T | undefined =>
  db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value as T | undefined;
const writeSetting = (db: Db, key: string, value: unknown): void => {
  const at = Date.now();
  db.insert(settings)
    .values({ key, value, updatedAt: at })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at } })
    .run();
};

/** Settings keys of the two watermarks. */
const ROLLED_UP_TO = "usage.rolledUpTo";
const RAW_FROM = "usage.rawFrom";

/**
 * Where raw rows end and daily totals begin:
 * - every usage_log row with id <= rolledUpTo is counted in usage_daily; rows above it are not (yet);
 * - rawFrom is a UTC midnight: rolled rows older than it are (being) deleted, so for the days before it the
 *   daily totals are the truth; rolled rows from it on are all still in usage_log.
 * A raw row therefore counts when `ts >= rawFrom or id > rolledUpTo`, a daily row when `day < rawFromDay`:
 * every request is counted exactly once.
 */
export interface HistoryBounds {
  rolledUpTo: number;
  rawFrom: number;
  rawFromDay: string;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
const LAST_DAY_MS = Date.UTC(9999, 11, 31);

/** The UTC day (YYYY-MM-DD) of an epoch-ms moment, clamped to years 1970..9999. */
export function utcDay(ms: number): string {
  return new Date(Math.min(Math.max(ms, 0), LAST_DAY_MS)).toISOString().slice(0, 10);
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function historyBounds(db: Db): HistoryBounds {
  const rawFrom = readSetting<number>(db, RAW_FROM) ?? 0;
  return { rolledUpTo: readSetting<number>(db, ROLLED_UP_TO) ?? 0, rawFrom, rawFromDay: utcDay(rawFrom) };
}

/** Folds the usage_log rows with id in (?, ?] into a rollup table: `bucket` is the SQL of a row's day or hour. */
function rollupSql(table: "usage_daily" | "usage_hourly", bucket: string, bucketColumn: string): string {
  return `
  insert into ${table} (${bucketColumn}, key_id, provider, model, requests, input_tokens, output_tokens, cache_read_tokens,
    cache_write_tokens, reasoning_tokens, cost_usd, errors, cache_hits)
  select ${bucket}, coalesce(key_id, ''), coalesce(provider, ''),
    coalesce(model_served, model_requested), count(*), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens),
    sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_usd), sum(status >= 400), sum(cache is 'hit')
  from usage_log where id > ? and id <= ?
  group by 1, 2, 3, 4
  on conflict (${bucketColumn}, key_id, provider, model) do update set
    requests = requests + excluded.requests,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
    reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
    cost_usd = cost_usd + excluded.cost_usd,
    errors = errors + excluded.errors,
    cache_hits = cache_hits + excluded.cache_hits`;
}

const ROLLUP_DAILY_SQL = rollupSql("usage_daily", "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')", "day");
const ROLLUP_HOURLY_SQL = rollupSql("usage_hourly", `(ts / ${HOUR_MS}) * ${HOUR_MS}`, "hour");

/**
 * Fold up to `maxIds` of the next usage_log ids into usage_daily, adding to the counters already there, and
 * move the watermark: one transaction, so a crash leaves both or neither. `rows`: how many were folded;
 * `done`: nothing is left to fold.
 */
export function rollupUsageBatch(db: Db, maxIds: number): { rows: number; done: boolean } {
  return db.$client
    .transaction(() => {
      const from = readSetting<number>(db, ROLLED_UP_TO) ?? 0;
      const last = (db.$client.query("select coalesce(max(id), 0) as id from usage_log").get() as { id: number }).id;
      const upTo = Math.min(last, from + maxIds);
      if (upTo <= from) return { rows: 0, done: true };
      const folded = (db.$client.query("select count(*) as n from usage_log where id > ? and id <= ?").get(from, upTo) as { n: number }).n;
      db.$client.query(ROLLUP_DAILY_SQL).run(from, upTo);
      db.$client.query(ROLLUP_HOURLY_SQL).run(from, upTo);
      writeSetting(db, ROLLED_UP_TO, upTo);
      return { rows: folded, done: upTo === last };
    })
    .immediate();
}

/** Raw rows before `cutoff` (a UTC midnight) may go: from now on their days are read from usage_daily. Never moves back. */
export function advanceRawFrom(db: Db, cutoff: number): number {
  const current = readSetting<number>(db, RAW_FROM) ?? 0;
  if (cutoff <= current) return current;
  writeSetting(db, RAW_FROM, cutoff);
  return cutoff;
}

/**
 * Delete up to `limit` raw rows older than rawFrom that are already rolled up. Returns how many went.
 * Ids are rowids (no AUTOINCREMENT): the next row takes max(id) + 1. Once the newest rows are pruned (a quiet
 * spell longer than the retention window) the watermark comes down to max(id), in the same transaction:
 * nothing lies between the two, and the next row must not count as rolled up already.
 */
export function pruneUsageBatch(db: Db, limit: number): number {
  const { rolledUpTo, rawFrom } = historyBounds(db);
  if (rawFrom === 0 || rolledUpTo === 0) return 0;
  return db.$client.transaction(() => {
    const deleted = db.$client
      .query("delete from usage_log where id in (select id from usage_log where ts < ? and id <= ? limit ?)")
      .run(rawFrom, rolledUpTo, limit).changes;
    const last = (db.$client.query("select coalesce(max(id), 0) as id from usage_log").get() as { id: number }).id;
    if (last < rolledUpTo) writeSetting(db, ROLLED_UP_TO, last);
    return deleted;
  })();
}

/** Delete up to `limit` hourly totals before rawFrom: those days are read whole from usage_daily, never by the hour. */
export function pruneHourlyBatch(db: Db, limit: number): number {
  const { rawFrom } = historyBounds(db);
  if (rawFrom === 0) return 0;
  return db.$client
    .query("delete from usage_hourly where rowid in (select rowid from usage_hourly where hour < ? limit ?)")
    .run(rawFrom, limit).changes;
}
