// The Usage page's numbers: time series and breakdowns for a range, and the request log's filters read from the query.
import { z } from "zod";
import type { UsageTotals } from "../db/queries/usage.ts";
import { usageBreakdown, type Breakdown } from "../db/queries/usage-range.ts";
import { HOUR_MS, usageByDays, usageByHour, type UsageLogFilter } from "../db/queries/usage-series.ts";
import { GatewayError } from "../canonical/errors.ts";
import type { Services } from "../services.ts";

const DAY_MS = 86_400_000;

export const RANGES = {
  "24h": { label: "Last 24 hours", buckets: 24, unit: "hour" },
  "7d": { label: "Last 7 days", buckets: 7, unit: "day" },
  "30d": { label: "Last 30 days", buckets: 30, unit: "day" },
  "90d": { label: "Last 90 days", buckets: 90, unit: "day" },
} as const;

export type RangeId = keyof typeof RANGES;
export const DEFAULT_RANGE: RangeId = "7d";

/** An unknown range falls back to the default (a stale bookmark should still show a page). */
export function parseRange(value: string | undefined): RangeId {
  return value && value in RANGES ? (value as RangeId) : DEFAULT_RANGE;
}

export interface SeriesPoint {
  start: number;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface BreakdownRow extends Omit<UsageTotals, "group"> {
  label: string;
  /** The "other" row, or a group with no name (no key, no provider). */
  muted: boolean;
}

export interface UsageCharts {
  range: RangeId;
  unit: "hour" | "day";
  points: SeriesPoint[];
  totals: Omit<SeriesPoint, "start">;
  byProvider: BreakdownRow[];
  byModel: BreakdownRow[];
  byKey: BreakdownRow[];
}

const TOP = 10;

/** The first `TOP` groups by requests, the rest summed as "other". */
export function topWithOther(rows: UsageTotals[], label: (group: string | null) => { label: string; muted: boolean }): BreakdownRow[] {
  const sorted = [...rows].sort((a, b) => b.requests - a.requests || b.costUsd - a.costUsd);
  const out: BreakdownRow[] = sorted.slice(0, TOP).map(({ group, ...t }) => ({ ...t, ...label(group) }));
  const rest = sorted.slice(TOP);
  if (rest.length) {
    const sum = (pick: (t: UsageTotals) => number) => rest.reduce((n, t) => n + pick(t), 0);
    out.push({
      label: `other (${rest.length})`,
      muted: true,
      requests: sum((t) => t.requests),
      inputTokens: sum((t) => t.inputTokens),
      outputTokens: sum((t) => t.outputTokens),
      costUsd: sum((t) => t.costUsd),
      errors: sum((t) => t.errors),
    });
  }
  return out;
}

/** The breakdown's rows summed per provider, model or key. */
function totalsBy(rows: Breakdown[], pick: (b: Breakdown) => string | null): UsageTotals[] {
  const out = new Map<string | null, UsageTotals>();
  for (const b of rows) {
    const group = pick(b);
    const t = out.get(group) ?? { group, requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, errors: 0 };
    t.requests += b.requests;
    t.inputTokens += b.inputTokens;
    t.outputTokens += b.outputTokens;
    t.costUsd += b.costUsd;
    t.errors += b.errors;
    out.set(group, t);
  }
  // In group order, as SQL's "order by" gives it (no group first), so equal rows keep the same order.
  return [...out.values()].sort((a, b) =>
    a.group === b.group ? 0 : a.group === null ? -1 : b.group === null ? 1 : a.group < b.group ? -1 : 1,
  );
}

const EMPTY = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };

export async function usageCharts(services: Services, range: RangeId, now = Date.now()): Promise<UsageCharts> {
  const spec = RANGES[range];
  let points: SeriesPoint[];
  let breakdown: Breakdown[];
  if (spec.unit === "hour") {
    // The last 24 hours, the current (partial) hour last.
    const from = Math.floor(now / HOUR_MS) * HOUR_MS - (spec.buckets - 1) * HOUR_MS;
    const byStart = new Map((await usageByHour(services.store, from, now)).map((b) => [b.start, b]));
    points = Array.from({ length: spec.buckets }, (_, i) => {
      const start = from + i * HOUR_MS;
      const b = byStart.get(start);
      return {
        start,
        ...EMPTY,
        ...(b
          ? { requests: b.requests, errors: b.errors, inputTokens: b.inputTokens, outputTokens: b.outputTokens, costUsd: b.costUsd }
          : {}),
      };
    });
    breakdown = await usageBreakdown(services.store, from, now);
  } else {
    // Whole UTC days, today last.
    const from = Math.floor(now / DAY_MS) * DAY_MS - (spec.buckets - 1) * DAY_MS;
    const byDay = new Map((await usageByDays(services.store, "day", from, now)).map((t) => [t.group, t]));
    points = Array.from({ length: spec.buckets }, (_, i) => {
      const start = from + i * DAY_MS;
      const t = byDay.get(new Date(start).toISOString().slice(0, 10));
      return {
        start,
        ...EMPTY,
        ...(t
          ? { requests: t.requests, errors: t.errors, inputTokens: t.inputTokens, outputTokens: t.outputTokens, costUsd: t.costUsd }
          : {}),
      };
    });
    breakdown = await usageBreakdown(services.store, from, Math.floor(now / DAY_MS) * DAY_MS + DAY_MS - 1);
  }
  const totals = { ...EMPTY };
  for (const p of points) for (const k of Object.keys(EMPTY) as Array<keyof typeof EMPTY>) totals[k] += p[k];
  const keyNames = new Map(services.apiKeys.list().map((k) => [k.id, k.name]));
  return {
    range,
    unit: spec.unit,
    points,
    totals,
    byProvider: topWithOther(
      totalsBy(breakdown, (b) => b.provider),
      (g) => (g ? { label: g, muted: false } : { label: "(not routed)", muted: true }),
    ),
    byModel: topWithOther(
      totalsBy(breakdown, (b) => b.model),
      (g) => ({ label: g ?? "(unknown)", muted: !g }),
    ),
    byKey: topWithOther(
      totalsBy(breakdown, (b) => b.keyId),
      (g) =>
        g === null
          ? { label: "(no key)", muted: true }
          : { label: keyNames.get(g) ?? `deleted key ${g.slice(0, 8)}`, muted: !keyNames.has(g) },
    ),
  };
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || undefined);

/** The log's filters as query parameters; an unknown status or cache value means "any". */
const LogQuery = z.object({
  provider: text(64),
  model: text(300),
  key: text(100),
  status: z.enum(["ok", "errors"]).optional().catch(undefined),
  cache: z.enum(["hit"]).optional().catch(undefined),
  /** The id of the last row shown: the next page starts below it. */
  cursor: z.coerce.number().int().min(1).optional(),
});

export interface LogQueryParams extends UsageLogFilter {
  cursor?: number;
}

export function parseLogQuery(query: Record<string, string>): LogQueryParams {
  const parsed = LogQuery.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "query";
    throw new GatewayError("invalid_request", `${field}: ${issue.message}`, { param: field });
  }
  const q = parsed.data;
  return {
    provider: q.provider,
    model: q.model,
    keyId: q.key,
    status: q.status,
    cacheHits: q.cache === "hit",
    cursor: q.cursor,
  };
}

/** The filters back as query parameters (for the "Load more" link). */
export function logQueryString(f: UsageLogFilter, cursor?: number): string {
  const params = new URLSearchParams();
  if (f.provider) params.set("provider", f.provider);
  if (f.model) params.set("model", f.model);
  if (f.keyId) params.set("key", f.keyId);
  if (f.status) params.set("status", f.status);
  if (f.cacheHits) params.set("cache", "hit");
  if (cursor) params.set("cursor", String(cursor));
  return params.toString();
}
