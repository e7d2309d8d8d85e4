// Grouped usage totals over any time range, read from the rollups: whole days from usage_daily, the hours at the
// edges from usage_hourly, raw usage_log rows only for a partial hour at either end and for rows not rolled up yet.
import { sql, type SQL } from "drizzle-orm";
import { first, type Dialect, type Store } from "../store.ts";
import { countWhere, DAY_MS, daySql, HOUR_MS, historyBounds, utcDay, type HistoryBounds } from "./usage-history.ts";

export type RangeGroup = "provider" | "model" | "key" | "day" | "hour" | "none";

export interface RangeTotals {
  group: string | number | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  errors: number;
}

export interface RangeQuery {
  groupBy: RangeGroup;
  /** Epoch ms, inclusive; default: the beginning. */
  from?: number;
  /** Epoch ms, inclusive; default: no end. */
  to?: number;
  /** Only this API key's rows. */
  keyId?: string;
}

/** A stretch of time [from, end) and where it is read: "raw" reads usage_log; the rollups read their rows plus the raw rows not folded yet. */
export interface Segment {
  source: "daily" | "hourly" | "raw";
  from: number;
  end: number;
}

/** The last moment a range can reach (days are written YYYY-MM-DD). */
const LAST_MS = Date.UTC(9999, 11, 31) + DAY_MS - 1;
const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;
const ceilTo = (ms: number, unit: number) => Math.ceil(ms / unit) * unit;

/**
 * Splits [from, end) into segments read from the rollups wherever that gives the same sum as the raw rows:
 * - a partial day or hour at an edge counts as whole when the part left out holds no raw row (`hasRows`), which
 *   makes "today" or "the last 24 hours" (ranges that end now) whole units;
 * - a day whose raw rows were pruned (before `rawFrom`, a UTC midnight) counts whole: nothing finer is kept;
 * - `byHour`: no daily segment (the answer is grouped by hour).
 */
export async function planRange(
  from: number,
  end: number,
  rawFrom: number,
  hasRows: (from: number, end: number) => Promise<boolean>,
  byHour = false,
): Promise<Segment[]> {
  if (floorTo(from, DAY_MS) < rawFrom) from = floorTo(from, DAY_MS);
  if (floorTo(end - 1, DAY_MS) < rawFrom) end = ceilTo(end, DAY_MS);
  for (const unit of [DAY_MS, HOUR_MS]) {
    const a = floorTo(from, unit);
    if (a < from && !(await hasRows(a, from))) from = a;
    const b = ceilTo(end, unit);
    if (b > end && !(await hasRows(end, b))) end = b;
  }
  if (from >= end) return [];
  const segments: Segment[] = [];
  const hoursAndRaw = (a: number, b: number) => {
    const h0 = ceilTo(a, HOUR_MS);
    const h1 = floorTo(b, HOUR_MS);
    if (h0 >= h1) return segments.push({ source: "raw", from: a, end: b });
    if (a < h0) segments.push({ source: "raw", from: a, end: h0 });
    segments.push({ source: "hourly", from: h0, end: h1 });
    if (h1 < b) segments.push({ source: "raw", from: h1, end: b });
  };
  const d0 = ceilTo(from, DAY_MS);
  const d1 = floorTo(end, DAY_MS);
  if (byHour || d0 >= d1) {
    hoursAndRaw(from, end);
  } else {
    if (from < d0) hoursAndRaw(from, d0);
    segments.push({ source: "daily", from: d0, end: d1 });
    if (d1 < end) hoursAndRaw(d1, end);
  }
  return segments;
}

/** The group of a raw row and of a rollup row ('' in the rollups reads back as null, as in usage_log), in a dialect. */
function groupSql(dialect: Dialect): Record<RangeGroup, { raw: string; daily: string; hourly: string }> {
  // "+": SQLite would otherwise group by walking the (key_id, ts) index instead of the short range it was given.
  const plus = dialect === "sqlite" ? "+" : "";
  return {
    provider: { raw: "provider", daily: "nullif(provider, '')", hourly: "nullif(provider, '')" },
    model: { raw: "coalesce(model_served, model_requested)", daily: "model", hourly: "model" },
    key: { raw: `${plus}key_id`, daily: "nullif(key_id, '')", hourly: "nullif(key_id, '')" },
    day: { raw: daySql(dialect, "ts"), daily: "day", hourly: daySql(dialect, "hour") },
    hour: { raw: `(ts / ${HOUR_MS}) * ${HOUR_MS}`, daily: "null", hourly: "hour" },
    none: { raw: "null", daily: "null", hourly: "null" },
  };
}
const GROUP = { sqlite: groupSql("sqlite"), postgres: groupSql("postgres") };

const rawSums = (dialect: Dialect) =>
  `count(*) as r, sum(input_tokens) as i, sum(output_tokens) as o, sum(cost_usd) as c, ${countWhere(dialect, "status >= 400")} as e`;
const ROLLUP_SUMS = "sum(requests) as r, sum(input_tokens) as i, sum(output_tokens) as o, sum(cost_usd) as c, sum(errors) as e";

/** One SELECT per segment, plus one for the raw rows not rolled up yet within the `unrolled` segments, summed per group. */
function rangeSql(
  dialect: Dialect,
  groups: RangeGroup[],
  keyId: string | undefined,
  segments: Segment[],
  unrolled: Segment[],
  b: HistoryBounds,
): SQL {
  const plus = dialect === "sqlite" ? "+" : "";
  const cols = (source: "raw" | "daily" | "hourly") => sql.raw(groups.map((g, n) => `${GROUP[dialect][g][source]} as g${n}`).join(", "));
  const names = sql.raw(groups.map((_, n) => `g${n}`).join(", "));
  const byKey = (column: string) => (keyId ? sql` and ${sql.raw(column)} = ${keyId}` : sql``);
  const RAW_SUMS = sql.raw(rawSums(dialect));
  const SUMS = sql.raw(ROLLUP_SUMS);
  const parts: SQL[] = [];
  for (const s of segments) {
    switch (s.source) {
      case "daily":
        parts.push(
          sql`select ${cols("daily")}, ${SUMS} from usage_daily where day >= ${utcDay(s.from)} and day < ${utcDay(s.end)}${byKey("key_id")} group by ${names}`,
        );
        break;
      case "hourly":
        parts.push(
          sql`select ${cols("hourly")}, ${SUMS} from usage_hourly where hour >= ${s.from} and hour < ${s.end}${byKey("key_id")} group by ${names}`,
        );
        break;
      case "raw":
        // Through the ts index: at most an hour of rows.
        parts.push(
          sql`select ${cols("raw")}, ${RAW_SUMS} from usage_log where ts >= ${s.from} and ts < ${s.end}${byKey(`${plus}key_id`)} group by ${names}`,
        );
        break;
      default: {
        const unreachable: never = s.source;
        throw new Error(`unknown segment source ${String(unreachable)}`);
      }
    }
  }
  if (unrolled.length) {
    // A primary-key range: the rows written since the last rollup (about a minute's worth).
    const within = sql.join(
      unrolled.map((u) => sql`(${sql.raw(plus)}ts >= ${u.from} and ${sql.raw(plus)}ts < ${u.end})`),
      sql` or `,
    );
    parts.push(
      sql`select ${cols("raw")}, ${RAW_SUMS} from usage_log where id > ${b.rolledUpTo} and (${within})${byKey(`${plus}key_id`)} group by ${names}`,
    );
  }
  return sql`select ${names}, sum(r) as requests, sum(i) as i, sum(o) as o, sum(c) as c, sum(e) as e
    from (${sql.join(parts, sql` union all `)}) as parts group by ${names} order by ${names}`;
}

interface Sums {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  errors: number;
}

type Grouped = Sums & { g: Array<string | number | null> };

/** Days of usage_daily one statement reads (~1.5 ms for a team of 20 keys and 12 models): the longest a view holds the event loop. */
const DAYS_PER_STATEMENT = 3;

/**
 * The plan as statements cheap enough to run between two requests: every three days of daily rows alone (only where
 * usage_daily has rows: an open range starts in 1970), the rest and the rows not rolled up yet together.
 */
function statements(segments: Segment[], dailyFrom: number, dailyEnd: number): Array<{ segments: Segment[]; unrolled: Segment[] }> {
  const out: Array<{ segments: Segment[]; unrolled: Segment[] }> = [];
  const rest: Segment[] = [];
  for (const s of segments) {
    if (s.source !== "daily") {
      rest.push(s);
      continue;
    }
    const step = DAYS_PER_STATEMENT * DAY_MS;
    for (let a = Math.max(s.from, dailyFrom); a < Math.min(s.end, dailyEnd); a += step) {
      out.push({ segments: [{ source: "daily", from: a, end: Math.min(s.end, a + step) }], unrolled: [] });
    }
  }
  out.push({ segments: rest, unrolled: segments.filter((s) => s.source !== "raw") });
  return out;
}

/** A view's statements, and the watermarks they were planned with (none when there is nothing to read). */
interface Plan {
  bounds?: HistoryBounds;
  runs: Array<() => Promise<Grouped[]>>;
}

/**
 * The statements of a query over [from, to], each a function that runs it. Raw PostgreSQL rows give bigint and
 * numeric sums as strings, and the hour a group starts at too: numbers here, as SQLite gives them.
 */
async function prepare(s: Store, groups: RangeGroup[], q: Omit<RangeQuery, "groupBy">): Promise<Plan> {
  const from = Math.max(0, q.from ?? 0);
  const end = Math.min(LAST_MS, q.to ?? LAST_MS) + 1;
  if (from >= end) return { runs: [] };
  const b = await historyBounds(s);
  const hasRows = async (a: number, z: number) =>
    (await s.rows(sql`select 1 as one from usage_log where ts >= ${a} and ts < ${z} limit 1`)).length > 0;
  const segments = await planRange(from, end, b.rawFrom, hasRows, groups.includes("hour"));
  if (!segments.length) return { runs: [] };
  const extent = first(
    await s.rows<{ first: string | null; last: string | null }>(sql`select min(day) as first, max(day) as last from usage_daily`),
  );
  const dailyFrom = extent?.first ? Date.parse(extent.first) : 0;
  const dailyEnd = extent?.last ? Date.parse(extent.last) + DAY_MS : 0;
  const hourAt = groups.indexOf("hour");
  const runs = statements(segments, dailyFrom, dailyEnd)
    .filter((st) => st.segments.length || st.unrolled.length)
    .map((st) => async () => {
      const rows = await s.rows<Record<string, string | number | null>>(rangeSql(s.dialect, groups, q.keyId, st.segments, st.unrolled, b));
      return rows.map((r) => {
        const g = groups.map((_, n) => r[`g${n}`] ?? null);
        if (hourAt >= 0 && g[hourAt] !== null) g[hourAt] = Number(g[hourAt]);
        return {
          g,
          requests: Number(r.requests),
          inputTokens: Number(r.i),
          outputTokens: Number(r.o),
          costUsd: Number(r.c),
          errors: Number(r.e),
        };
      });
    });
  return { bounds: b, runs };
}

/** SQLite's order: null first, then numbers, then text. */
function compareGroups(a: Array<string | number | null>, b: Array<string | number | null>): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x !== typeof y) return typeof x === "number" ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The statements' answers summed per group, in group order. One statement's answer is in SQLite's order already;
 * PostgreSQL puts nulls last and orders text by its collation, so its answers are always sorted here.
 */
function merge(parts: Grouped[][], dialect: Dialect): Grouped[] {
  if (parts.length === 1 && dialect === "sqlite") return parts[0]!;
  const byGroup = new Map<string, Grouped>();
  for (const rows of parts) {
    for (const r of rows) {
      const key = JSON.stringify(r.g);
      const t = byGroup.get(key);
      if (!t) {
        byGroup.set(key, { ...r });
        continue;
      }
      t.requests += r.requests;
      t.inputTokens += r.inputTokens;
      t.outputTokens += r.outputTokens;
      t.costUsd += r.costUsd;
      t.errors += r.errors;
    }
  }
  return [...byGroup.values()].sort((a, b) => compareGroups(a.g, b.g));
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Tries of a view before its answer is taken as it is (see `settled`). */
const TRIES = 3;

/**
 * Runs a view (`each` runs its statements) until the watermarks it was planned with are the same after its last
 * statement. A rollup that commits in between (another instance's, or the minute job between two of SQLite's turns)
 * moves rows from the raw side to the daily side at once; a view that read one side before it and the other after
 * would count them twice or not at all. The watermark only moves with such a commit, so "unchanged" means "consistent".
 */
async function settled(
  s: Store,
  groups: RangeGroup[],
  q: Omit<RangeQuery, "groupBy">,
  each: (runs: Plan["runs"]) => Promise<Grouped[][]>,
): Promise<Grouped[]> {
  for (let attempt = 1; ; attempt++) {
    const { bounds, runs } = await prepare(s, groups, q);
    const parts = await each(runs);
    if (!bounds || attempt === TRIES) return merge(parts, s.dialect);
    const after = await historyBounds(s);
    if (after.rolledUpTo === bounds.rolledUpTo && after.rawFrom === bounds.rawFrom) return merge(parts, s.dialect);
  }
}

/** Runs the statements one per turn of the event loop, so a proxied request waits a statement at most, never the whole view. */
function query(s: Store, groups: RangeGroup[], q: Omit<RangeQuery, "groupBy">): Promise<Grouped[]> {
  return settled(s, groups, q, async (runs) => {
    const parts: Grouped[][] = [];
    for (const run of runs) {
      if (parts.length) await yieldToRequests();
      parts.push(await run());
    }
    return parts;
  });
}

const toTotals = ({ g, ...sums }: Grouped): RangeTotals => ({ group: g[0] ?? null, ...sums });

/**
 * Totals over [from, to] grouped, exactly what the raw rows give (every request counted once, see HistoryBounds),
 * except for days before the retention window, which count whole when the range touches them. Reads at most two
 * partial hours of raw rows whatever the number of rows in the range, three days of daily rows per turn of the event loop.
 */
export function usageInRange(s: Store, q: RangeQuery): Promise<RangeTotals[]> {
  return query(s, [q.groupBy], q).then((rows) => rows.map(toTotals));
}

/** The same, the statements one after another without yielding: for short reads (a budget's spend since its period began). */
export async function usageInRangeNow(s: Store, q: RangeQuery): Promise<RangeTotals[]> {
  const all = async (runs: Plan["runs"]) => {
    const parts: Grouped[][] = [];
    for (const run of runs) parts.push(await run());
    return parts;
  };
  return (await settled(s, [q.groupBy], q, all)).map(toTotals);
}

export interface Breakdown extends Sums {
  provider: string | null;
  model: string | null;
  keyId: string | null;
}

const text = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));

/** Totals over [from, to] per provider, model and key at once: one pass for the three breakdowns of the Usage page. */
export async function usageBreakdown(s: Store, from: number, to: number): Promise<Breakdown[]> {
  return (await query(s, ["provider", "model", "key"], { from, to })).map(({ g, ...sums }) => ({
    provider: text(g[0]),
    model: text(g[1]),
    keyId: text(g[2]),
    ...sums,
  }));
}
