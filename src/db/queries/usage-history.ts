// Queries for usage history: folding usage_log rows into usage_daily and usage_hourly, pruning rolled raw rows, and the watermarks.
import { and, eq, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import { USAGE_FOLD_LOCK_KEY } from "../pg-lock.ts";
import { first, type Dialect, type Store } from "../store.ts";

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

/** The SQL of the UTC day (YYYY-MM-DD) of an epoch-ms column, in the dialect's own date functions. */
export function daySql(dialect: Dialect, column: string): string {
  return dialect === "sqlite"
    ? `strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`
    : `to_char(to_timestamp(${column} / 1000) at time zone 'UTC', 'YYYY-MM-DD')`;
}

/** The SQL of "1 when `condition`, else 0" summed: SQLite sums booleans, PostgreSQL counts with a filter. */
export function countWhere(dialect: Dialect, condition: string): string {
  return dialect === "sqlite" ? `sum(${condition})` : `count(*) filter (where ${condition})`;
}

async function watermark(s: Store, key: string): Promise<number | undefined> {
  const row = first(await s.db.select({ value: s.t.settings.value }).from(s.t.settings).where(eq(s.t.settings.key, key)));
  return row?.value as number | undefined;
}

async function setWatermark(s: Store, key: string, value: number): Promise<void> {
  const updatedAt = Date.now();
  await s.db
    .insert(s.t.settings)
    .values({ key, value, updatedAt })
    .onConflictDoUpdate({ target: s.t.settings.key, set: { value, updatedAt } });
}

export async function historyBounds(s: Store): Promise<HistoryBounds> {
  const rawFrom = (await watermark(s, RAW_FROM)) ?? 0;
  return { rolledUpTo: (await watermark(s, ROLLED_UP_TO)) ?? 0, rawFrom, rawFromDay: utcDay(rawFrom) };
}

const COUNTERS = [
  "requests",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
  "cost_usd",
  "errors",
  "cache_hits",
];

/** Folds the usage_log rows with id in (from, upTo] into a rollup table: `bucket` is the SQL of a row's day or hour. */
function rollupSql(
  dialect: Dialect,
  table: "usage_daily" | "usage_hourly",
  bucket: string,
  bucketColumn: string,
  from: number,
  upTo: number,
): SQL {
  // SQLite reads a bare column in the SET as the existing row's; PostgreSQL wants it named by the table.
  const existing = dialect === "sqlite" ? "" : `${table}.`;
  return sql`
  insert into ${sql.raw(table)} (${sql.raw(bucketColumn)}, key_id, provider, model, requests, input_tokens, output_tokens, cache_read_tokens,
    cache_write_tokens, reasoning_tokens, cost_usd, errors, cache_hits)
  select ${sql.raw(bucket)}, coalesce(key_id, ''), coalesce(provider, ''),
    coalesce(model_served, model_requested), count(*), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens),
    sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_usd), ${sql.raw(countWhere(dialect, "status >= 400"))},
    ${sql.raw(dialect === "sqlite" ? "sum(cache is 'hit')" : countWhere(dialect, "cache = 'hit'"))}
  from usage_log where id > ${from} and id <= ${upTo}
  group by 1, 2, 3, 4
  on conflict (${sql.raw(bucketColumn)}, key_id, provider, model) do update set
    ${sql.raw(COUNTERS.map((c) => `${c} = ${existing}${c} + excluded.${c}`).join(",\n    "))}`;
}

const maxId = async (s: Store) =>
  Number(first(await s.rows<{ id: number | string }>(sql`select coalesce(max(id), 0) as id from usage_log`))?.id ?? 0);

/**
 * The highest usage_log id below which every row is committed. On SQLite the ids come in commit order (one writer).
 * On PostgreSQL an identity value is taken at insert and committed later, so a transaction still under way may hold
 * an id below the highest committed one: taking the table in SHARE mode waits for the inserts under way and holds
 * new ones for that instant, and max(id) is then final.
 */
async function committedMaxId(s: Store): Promise<number> {
  if (s.dialect === "sqlite") return maxId(s);
  return s.transaction(async (tx) => {
    await tx.rows(sql`lock table usage_log in share mode`);
    return maxId(tx);
  });
}

/**
 * Fold up to `maxIds` of the next usage_log ids into usage_daily and usage_hourly, adding to the counters already
 * there, and move the watermark: one transaction, so a crash leaves both or neither. On PostgreSQL it holds
 * USAGE_FOLD_LOCK_KEY, so two instances folding at once fold one after the other, each from the other's watermark.
 * `rows`: how many were folded; `done`: nothing is left to fold.
 */
export async function rollupUsageBatch(s: Store, maxIds: number): Promise<{ rows: number; done: boolean }> {
  const last = await committedMaxId(s);
  return s.transaction(async (tx) => {
    if (tx.dialect === "postgres") await tx.rows(sql`select pg_advisory_xact_lock(${USAGE_FOLD_LOCK_KEY.toString()}::bigint)`);
    const from = (await watermark(tx, ROLLED_UP_TO)) ?? 0;
    const upTo = Math.min(last, from + maxIds);
    if (upTo <= from) return { rows: 0, done: true };
    const counted = first(
      await tx.rows<{ n: number | string }>(sql`select count(*) as n from usage_log where id > ${from} and id <= ${upTo}`),
    );
    await tx.rows(rollupSql(tx.dialect, "usage_daily", daySql(tx.dialect, "ts"), "day", from, upTo));
    await tx.rows(rollupSql(tx.dialect, "usage_hourly", `(ts / ${HOUR_MS}) * ${HOUR_MS}`, "hour", from, upTo));
    await setWatermark(tx, ROLLED_UP_TO, upTo);
    return { rows: Number(counted?.n ?? 0), done: upTo === last };
  });
}

/** Raw rows before `cutoff` (a UTC midnight) may go: from now on their days are read from usage_daily. Never moves back. */
export async function advanceRawFrom(s: Store, cutoff: number): Promise<number> {
  const current = (await watermark(s, RAW_FROM)) ?? 0;
  if (cutoff <= current) return current;
  await setWatermark(s, RAW_FROM, cutoff);
  return cutoff;
}

/**
 * Delete up to `limit` raw rows older than rawFrom that are already rolled up. Returns how many went.
 * SQLite ids are rowids (no AUTOINCREMENT): the next row takes max(id) + 1. Once the newest rows are pruned (a quiet
 * spell longer than the retention window) the watermark comes down to max(id), in the same transaction:
 * nothing lies between the two, and the next row must not count as rolled up already. (PostgreSQL's identity never
 * gives an id twice; bringing the watermark down there changes nothing either.)
 */
export async function pruneUsageBatch(s: Store, limit: number): Promise<number> {
  const { rolledUpTo, rawFrom } = await historyBounds(s);
  if (rawFrom === 0 || rolledUpTo === 0) return 0;
  return s.transaction(async (tx) => {
    const log = tx.t.usageLog;
    const oldest = tx.db
      .select({ id: log.id })
      .from(log)
      .where(and(lt(log.ts, rawFrom), lte(log.id, rolledUpTo)))
      .limit(limit);
    const deleted = (await tx.db.delete(log).where(inArray(log.id, oldest)).returning({ id: log.id })).length;
    const last = await maxId(tx);
    if (last < rolledUpTo) await setWatermark(tx, ROLLED_UP_TO, last);
    return deleted;
  });
}

/** Delete up to `limit` hourly totals before rawFrom: those days are read whole from usage_daily, never by the hour. */
export async function pruneHourlyBatch(s: Store, limit: number): Promise<number> {
  const { rawFrom } = await historyBounds(s);
  if (rawFrom === 0) return 0;
  // Rows by their physical address: SQLite's rowid, PostgreSQL's ctid (the table has no single-column key).
  const address = s.dialect === "sqlite" ? "rowid" : "ctid";
  const gone = await s.rows<{ one: number }>(
    sql`delete from usage_hourly where ${sql.raw(address)} in (select ${sql.raw(address)} from usage_hourly where hour < ${rawFrom} limit ${limit}) returning 1 as one`,
  );
  return gone.length;
}
