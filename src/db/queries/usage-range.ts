// Grouped usage totals over any time range, read from the rollups: whole days from usage_daily, the hours at the
// edges from usage_hourly, raw usage_log rows only for a partial hour at either end and for rows not rolled up yet.
import type { Db } from "../client.ts";
import { DAY_MS, HOUR_MS, historyBounds, utcDay, type HistoryBounds } from "./usage-history.ts";

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
export function planRange(
  from: number,
  end: number,
  rawFrom: number,
  hasRows: (from: number, end: number) => boolean,
  byHour = false,
): Segment[] {
  if (floorTo(from, DAY_MS) < rawFrom) from = floorTo(from, DAY_MS);
  if (floorTo(end - 1, DAY_MS) < rawFrom) end = ceilTo(end, DAY_MS);
  for (const unit of [DAY_MS, HOUR_MS]) {
    const a = floorTo(from, unit);
    if (a < from && !hasRows(a, from)) from = a;
    const b = ceilTo(end, unit);
    if (b > end && !hasRows(end, b)) end = b;
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

/** The group of a raw row and of a rollup row ('' in the rollups reads back as null, as in usage_log). */
const GROUP: Record<RangeGroup, { raw: string; daily: string; hourly: string }> = {
  provider: { raw: "provider", daily: "nullif(provider, '')", hourly: "nullif(provider, '')" },
  model: { raw: "coalesce(model_served, model_requested)", daily: "model", hourly: "model" },
  // "+": SQLite would otherwise group by walking the (key_id, ts) index instead of the short range it was given.
  key: { raw: "+key_id", daily: "nullif(key_id, '')", hourly: "nullif(key_id, '')" },
  day: { raw: "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')", daily: "day", hourly: "strftime('%Y-%m-%d', hour / 1000, 'unixepoch')" },
  hour: { raw: `(ts / ${HOUR_MS}) * ${HOUR_MS}`, daily: "null", hourly: "hour" },
  none: { raw: "null", daily: "null", hourly: "null" },
};

const RAW_SUMS = "count(*) as r, sum(input_tokens) as i, sum(output_tokens) as o, sum(cost_usd) as c, sum(status >= 400) as e";
const ROLLUP_SUMS = "sum(requests) as r, sum(input_tokens) as i, sum(output_tokens) as o, sum(cost_usd) as c, sum(errors) as e";

/** One SELECT per segment, plus one for the raw rows not rolled up yet within the `unrolled` segments, summed per group. */
function rangeSql(
  groups: RangeGroup[],
  keyId: string | undefined,
  segments: Segment[],
  unrolled: Segment[],
  b: HistoryBounds,
): { sql: string; params: Array<string | number> } {
  const cols = (source: "raw" | "daily" | "hourly") => groups.map((g, n) => `${GROUP[g][source]} as g${n}`).join(", ");
  const names = groups.map((_, n) => `g${n}`).join(", ");
  const byKey = (column: string) => (keyId ? ` and ${column} = ?` : "");
  const parts: string[] = [];
  const params: Array<string | number> = [];
  for (const s of segments) {
    switch (s.source) {
      case "daily":
        parts.push(
          `select ${cols("daily")}, ${ROLLUP_SUMS} from usage_daily where day >= ? and day < ?${byKey("key_id")} group by ${names}`,
        );
        params.push(utcDay(s.from), utcDay(s.end), ...(keyId ? [keyId] : []));
        break;
      case "hourly":
        parts.push(
          `select ${cols("hourly")}, ${ROLLUP_SUMS} from usage_hourly where hour >= ? and hour < ?${byKey("key_id")} group by ${names}`,
        );
        params.push(s.from, s.end, ...(keyId ? [keyId] : []));
        break;
      case "raw":
        // Through the ts index: at most an hour of rows.
        parts.push(`select ${cols("raw")}, ${RAW_SUMS} from usage_log where ts >= ? and ts < ?${byKey("+key_id")} group by ${names}`);
        params.push(s.from, s.end, ...(keyId ? [keyId] : []));
        break;
      default: {
        const unreachable: never = s.source;
        throw new Error(`unknown segment source ${String(unreachable)}`);
      }
    }
  }
  if (unrolled.length) {
    // A primary-key range: the rows written since the last rollup (about a minute's worth).
    const within = unrolled.map(() => "(+ts >= ? and +ts < ?)").join(" or ");
    parts.push(`select ${cols("raw")}, ${RAW_SUMS} from usage_log where id > ? and (${within})${byKey("+key_id")} group by ${names}`);
    params.push(b.rolledUpTo, ...unrolled.flatMap((u) => [u.from, u.end]), ...(keyId ? [keyId] : []));
  }
  const sql = `select ${names}, sum(r) as requests, sum(i) as inputTokens, sum(o) as outputTokens, sum(c) as costUsd, sum(e) as errors
    from (${parts.join(" union all ")}) group by ${names} order by ${names}`;
  return { sql, params };
}

const RAW_ROW_IN = "select 1 from usage_log where ts >= ? and ts < ? limit 1";

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

const DAILY_EXTENT = "select min(day) as first, max(day) as last from usage_daily";

/** The statements of a query over [from, to], each a function that runs it (bun:sqlite answers synchronously). */
function prepare(db: Db, groups: RangeGroup[], q: Omit<RangeQuery, "groupBy">): Array<() => Grouped[]> {
  const from = Math.max(0, q.from ?? 0);
  const end = Math.min(LAST_MS, q.to ?? LAST_MS) + 1;
  if (from >= end) return [];
  const b = historyBounds(db);
  const probe = db.$client.query(RAW_ROW_IN);
  const segments = planRange(from, end, b.rawFrom, (a, z) => probe.get(a, z) !== null, groups.includes("hour"));
  if (!segments.length) return [];
  const extent = db.$client.query(DAILY_EXTENT).get() as { first: string | null; last: string | null };
  const dailyFrom = extent.first ? Date.parse(extent.first) : 0;
  const dailyEnd = extent.last ? Date.parse(extent.last) + DAY_MS : 0;
  return statements(segments, dailyFrom, dailyEnd)
    .filter((st) => st.segments.length || st.unrolled.length)
    .map((st) => () => {
      const { sql, params } = rangeSql(groups, q.keyId, st.segments, st.unrolled, b);
      const rows = db.$client.query(sql).values(...params) as Array<Array<string | number | null>>;
      return rows.map((r) => ({
        g: r.slice(0, groups.length),
        requests: Number(r[groups.length]),
        inputTokens: Number(r[groups.length + 1]),
        outputTokens: Number(r[groups.length + 2]),
        costUsd: Number(r[groups.length + 3]),
        errors: Number(r[groups.length + 4]),
      }));
    });
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

/** The statements' answers summed per group, in group order. */
function merge(parts: Grouped[][]): Grouped[] {
  if (parts.length === 1) return parts[0]!;
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

/** Runs the statements one per turn of the event loop, so a proxied request waits a statement at most, never the whole view. */
async function query(db: Db, groups: RangeGroup[], q: Omit<RangeQuery, "groupBy">): Promise<Grouped[]> {
  const parts: Grouped[][] = [];
  for (const run of prepare(db, groups, q)) {
    if (parts.length) await yieldToRequests();
    parts.push(run());
  }
  return merge(parts);
}

const toTotals = ({ g, ...sums }: Grouped): RangeTotals => ({ group: g[0] ?? null, ...sums });

/**
 * Totals over [from, to] grouped, exactly what the raw rows give (every request counted once, see HistoryBounds),
 * except for days before the retention window, which count whole when the range touches them. Reads at most two
 * partial hours of raw rows whatever the number of rows in the range, three days of daily rows per turn of the event loop.
 */
export function usageInRange(db: Db, q: RangeQuery): Promise<RangeTotals[]> {
  return query(db, [q.groupBy], q).then((rows) => rows.map(toTotals));
}

/** The same, all at once: for short reads on the request path (a budget's spend since its period began). */
export function usageInRangeNow(db: Db, q: RangeQuery): RangeTotals[] {
  return merge(prepare(db, [q.groupBy], q).map((run) => run())).map(toTotals);
}

export interface Breakdown extends Sums {
  provider: string | null;
  model: string | null;
  keyId: string | null;
}

const text = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));

/** Totals over [from, to] per provider, model and key at once: one pass for the three breakdowns of the Usage page. */
export async function usageBreakdown(db: Db, from: number, to: number): Promise<Breakdown[]> {
  return (await query(db, ["provider", "model", "key"], { from, to })).map(({ g, ...sums }) => ({
    provider: text(g[0]),
    model: text(g[1]),
    keyId: text(g[2]),
    ...sums,
  }));
}
