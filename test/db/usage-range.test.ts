// Usage totals read from the rollups equal what the raw rows give, over any range, on SQLite and on PostgreSQL; the
// request log pages by id without gaps or repeats.
import { expect, test } from "bun:test";
import { spentSince } from "../../src/db/queries/budgets.ts";
import { listUsageLogs, sumUsage, type NewUsageRow, type UsageRow } from "../../src/db/queries/usage.ts";
import { advanceRawFrom, DAY_MS, HOUR_MS, pruneUsageBatch, rollupUsageBatch, utcDay } from "../../src/db/queries/usage-history.ts";
import { usageBreakdown, usageInRange, type RangeGroup } from "../../src/db/queries/usage-range.ts";
import { listUsageLogsFiltered, usageByDays, usageByHour, type UsageLogFilter } from "../../src/db/queries/usage-series.ts";
import type { Store } from "../../src/db/store.ts";
import { createUsageWriter } from "../../src/db/usage-writer.ts";
import { describeEachStore, type FreshStore } from "../support/stores.ts";

const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY_MS) * DAY_MS;

/** A seeded generator, so a failing range can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const KEYS = [null, "key-a", "key-b", "key-c"];
const PROVIDERS = [null, "openai", "anthropic", "gemini"];
const MODELS = ["gpt-4o", "claude-sonnet-4-5", "gemini-2.5-pro", "llama"];

/** `n` rows between `from` and `to`, written in a shuffled-ish order (a long request's row lands after shorter later ones). */
function rowsBetween(rnd: () => number, n: number, from: number, to: number): NewUsageRow[] {
  return Array.from({ length: n }, (_, i) => {
    const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
    const provider = pick(PROVIDERS);
    const status = rnd() < 0.1 ? pick([400, 429, 502]) : 200;
    return {
      ts: Math.floor(from + rnd() * (to - from)),
      requestId: `r-${from}-${i}`,
      keyId: pick(KEYS),
      endpoint: "/v1/chat/completions",
      provider,
      modelRequested: pick(["combo-x", "auto", ...MODELS]),
      modelServed: provider ? pick(MODELS) : null,
      inputTokens: Math.floor(rnd() * 5000),
      outputTokens: Math.floor(rnd() * 900),
      costUsd: Math.round(rnd() * 1e6) / 1e7,
      status,
      cache: rnd() < 0.1 ? "hit" : null,
    };
  });
}

async function write(s: Store, rows: NewUsageRow[]) {
  const writer = createUsageWriter(s);
  for (const r of rows) writer.insert(r);
  await writer.flush();
}

type Sums = { requests: number; inputTokens: number; outputTokens: number; costUsd: number; errors: number };

const GROUP_OF: Record<RangeGroup, (r: UsageRow) => string | number | null> = {
  provider: (r) => r.provider,
  model: (r) => r.modelServed ?? r.modelRequested,
  key: (r) => r.keyId,
  day: (r) => utcDay(r.ts),
  hour: (r) => Math.floor(r.ts / HOUR_MS) * HOUR_MS,
  none: () => null,
};

/** Null first, then numbers, then text: SQLite's order (the ASCII names here sort alike in both). */
function byGroup(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** The reference: the same totals summed here from every raw row in [from, to], grouped by `pick`. */
function sumRows<G>(rows: UsageRow[], from: number, to: number, pick: (r: UsageRow) => G, keyId?: string): Array<{ g: G } & Sums> {
  const out = new Map<string, { g: G } & Sums>();
  for (const r of rows) {
    if (r.ts < from || r.ts > to || (keyId !== undefined && r.keyId !== keyId)) continue;
    const g = pick(r);
    const k = JSON.stringify(g);
    const t = out.get(k) ?? { g, requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, errors: 0 };
    t.requests++;
    t.inputTokens += r.inputTokens;
    t.outputTokens += r.outputTokens;
    t.costUsd += r.costUsd;
    t.errors += r.status >= 400 ? 1 : 0;
    out.set(k, t);
  }
  return [...out.values()];
}

const allRows = (s: Store) => s.db.select().from(s.t.usageLog);

function fromRaw(rows: UsageRow[], group: RangeGroup, from: number, to: number, keyId?: string) {
  return sumRows(rows, from, to, GROUP_OF[group], keyId)
    .map(({ g, ...sums }) => ({ group: g, ...sums }))
    .sort((a, b) => byGroup(a.group, b.group));
}

/** Costs are sums of floats added in another order: equal to 1e-9 USD. */
const exact = <T extends { costUsd: number }>(rows: T[]) => rows.map((r) => ({ ...r, costUsd: Math.round(r.costUsd * 1e9) }));

/** A mixed history: 12 days up to now, part rolled up, then rows not rolled up yet (today's, and late ones from past days). */
async function mixedHistory(fresh: FreshStore, seed = 7): Promise<Store> {
  const s = await fresh();
  const rnd = random(seed);
  await write(s, rowsBetween(rnd, 3000, TODAY - 11 * DAY_MS - 5 * HOUR_MS, NOW - 2 * HOUR_MS));
  await rollupUsageBatch(s, 2_000);
  await rollupUsageBatch(s, 600); // 2,600 of 3,000 folded, the rest are not
  await write(s, rowsBetween(rnd, 300, NOW - 3 * HOUR_MS, NOW));
  await write(s, rowsBetween(rnd, 40, TODAY - 9 * DAY_MS, TODAY - 2 * DAY_MS)); // late rows of past days
  return s;
}

/** Ranges of every shape: partial first and last day, inside one hour, ending now, open-ended, whole days, empty. */
function ranges(rnd: () => number): Array<[number, number | undefined]> {
  const fixed: Array<[number, number | undefined]> = [
    [0, undefined],
    [TODAY, undefined],
    [TODAY, NOW],
    [Math.floor(NOW / HOUR_MS) * HOUR_MS - 23 * HOUR_MS, NOW],
    [TODAY - 7 * DAY_MS, TODAY - 1],
    [TODAY - 30 * DAY_MS, NOW + DAY_MS],
    [TODAY - 3 * DAY_MS + 17 * 60_000 + 123, TODAY - DAY_MS + 5 * HOUR_MS + 59_999],
    [NOW - 10 * 60_000, NOW - 5 * 60_000],
    [TODAY - 2 * DAY_MS + 3 * HOUR_MS, TODAY - 2 * DAY_MS + 3 * HOUR_MS],
    [NOW, NOW - 1],
  ];
  const random = Array.from({ length: 40 }, (): [number, number] => {
    const a = TODAY - 12 * DAY_MS + Math.floor(rnd() * 13 * DAY_MS);
    return [a, a + Math.floor(rnd() * rnd() * 6 * DAY_MS)];
  });
  return [...fixed, ...random];
}

describeEachStore("totals from the rollups equal the raw rows", (fresh) => {
  test("every grouping over ranges of every shape, with rows rolled up, rows not yet rolled up, and today's", async () => {
    const s = await mixedHistory(fresh);
    const rows = await allRows(s);
    const rnd = random(99);
    for (const [from, to] of ranges(rnd)) {
      for (const group of ["provider", "model", "key", "day", "hour", "none"] as const) {
        const got = exact(await usageInRange(s, { groupBy: group, from, to }));
        const want = exact(fromRaw(rows, group, from, to ?? Number.MAX_SAFE_INTEGER));
        expect({ from, to, group, rows: got }).toEqual({ from, to, group, rows: want });
      }
    }
  }, 60_000);

  test("one key's totals, the hourly series and the three-way breakdown agree with the raw rows too", async () => {
    const s = await mixedHistory(fresh, 11);
    const rows = await allRows(s);
    for (const [from, to] of ranges(random(5))) {
      const end = to ?? Number.MAX_SAFE_INTEGER;
      for (const key of ["key-a", "key-c"]) {
        expect(exact(await usageInRange(s, { groupBy: "day", from, to, keyId: key }))).toEqual(exact(fromRaw(rows, "day", from, end, key)));
      }
      const hours = (await usageByHour(s, from, end)).map(({ start, ...sums }) => ({ group: start, ...sums }));
      expect(exact(hours)).toEqual(exact(fromRaw(rows, "hour", from, end)) as typeof hours);
      const triples = sumRows(rows, from, end, (r) => [r.provider, r.modelServed ?? r.modelRequested, r.keyId] as const)
        .map(({ g, ...sums }) => ({ provider: g[0], model: g[1], keyId: g[2], ...sums }))
        .sort((a, b) => byGroup(a.provider, b.provider) || byGroup(a.model, b.model) || byGroup(a.keyId, b.keyId));
      expect(exact(await usageBreakdown(s, from, end))).toEqual(exact(triples));
    }
  }, 60_000);

  test("/api/usage's totals and the Usage page's days are the raw rows' too", async () => {
    const s = await mixedHistory(fresh, 13);
    const rows = await allRows(s);
    for (const groupBy of ["provider", "model", "key", "day"] as const) {
      const want = exact(fromRaw(rows, groupBy, TODAY - 6 * DAY_MS, NOW)).map((r) => ({
        ...r,
        group: r.group === null ? null : String(r.group),
      }));
      expect(exact(await sumUsage(s, { groupBy, from: TODAY - 6 * DAY_MS, to: NOW }))).toEqual(want);
      expect(exact(await usageByDays(s, groupBy, TODAY - 6 * DAY_MS + 5 * HOUR_MS, NOW))).toEqual(
        exact(fromRaw(rows, groupBy, TODAY - 6 * DAY_MS, TODAY + DAY_MS - 1)).map((r) => ({
          ...r,
          group: r.group === null ? null : String(r.group),
        })),
      );
    }
  });

  test("a rollup that commits while a view is between two of its statements counts once", async () => {
    const s = await mixedHistory(fresh, 17);
    const rows = await allRows(s);
    // The minute job (or another instance) folds every row right after the view read its first days from usage_daily.
    let folded = false;
    const racing: Store = {
      ...s,
      async rows<R>(query: Parameters<Store["rows"]>[0]) {
        const result = await s.rows<R>(query);
        if (!folded && JSON.stringify(query).includes("from usage_daily where day >=")) {
          folded = true;
          while (!(await rollupUsageBatch(s, 10_000)).done) {
            /* all of it */
          }
        }
        return result;
      },
    } as Store;
    const from = TODAY - 11 * DAY_MS;
    const got = exact(await usageInRange(racing, { groupBy: "key", from, to: NOW }));
    expect(folded).toBe(true);
    expect(got).toEqual(exact(fromRaw(rows, "key", from, NOW)));
  });

  test("budget spend since a period start equals the raw rows' cost", async () => {
    const s = await mixedHistory(fresh, 3);
    const rows = await allRows(s);
    for (const since of [0, TODAY, TODAY - DAY_MS, TODAY - 7 * DAY_MS, TODAY - 30 * DAY_MS]) {
      for (const key of ["key-a", "key-b", "nobody"]) {
        const raw = rows.filter((r) => r.keyId === key && r.ts >= since).reduce((n, r) => n + r.costUsd, 0);
        expect(await spentSince(s, key, since)).toBeCloseTo(raw, 9);
      }
    }
  });

  test("after retention pruned old raw rows, ranges inside the window stay exact and older days count whole", async () => {
    const s = await mixedHistory(fresh, 21);
    const rows = await allRows(s);
    const cutoff = TODAY - 5 * DAY_MS;
    const inside: Array<[number, number]> = [
      [cutoff + 3 * HOUR_MS + 1, NOW],
      [TODAY - 2 * DAY_MS + 61_000, TODAY - DAY_MS + 7 * HOUR_MS],
    ];
    // A range starting mid-day before the cutoff counts that whole day (its raw rows are gone).
    const straddling: [number, number] = [TODAY - 8 * DAY_MS + 5 * HOUR_MS, TODAY - 3 * DAY_MS + 2 * HOUR_MS];
    const expected = async (group: RangeGroup) => ({
      inside: await Promise.all(inside.map(async ([a, b]) => exact(fromRaw(rows, group, a, b)))),
      straddling: exact(fromRaw(rows, group, TODAY - 8 * DAY_MS, straddling[1])),
    });
    const before = Object.fromEntries(
      await Promise.all((["provider", "model", "key", "day"] as const).map(async (g) => [g, await expected(g)] as const)),
    );
    while (!(await rollupUsageBatch(s, 1_000)).done) {
      /* all of it */
    }
    await advanceRawFrom(s, cutoff);
    while ((await pruneUsageBatch(s, 500)) > 0) {
      /* every rolled row before the cutoff */
    }
    expect((await allRows(s)).filter((r) => r.ts < cutoff)).toEqual([]);
    for (const group of ["provider", "model", "key", "day"] as const) {
      expect(await Promise.all(inside.map(async ([a, b]) => exact(await usageInRange(s, { groupBy: group, from: a, to: b }))))).toEqual(
        before[group]!.inside,
      );
      expect(exact(await usageInRange(s, { groupBy: group, from: straddling[0], to: straddling[1] }))).toEqual(before[group]!.straddling);
    }
  }, 60_000);
});

describeEachStore("the request log pages by id", (fresh) => {
  const all = async (s: Store, filter: UsageLogFilter) =>
    (await allRows(s))
      .filter(
        (r) =>
          (!filter.provider || r.provider === filter.provider) &&
          (filter.status !== "errors" || r.status >= 400) &&
          (!filter.keyId || r.keyId === filter.keyId),
      )
      .map((r) => r.id)
      .sort((a, b) => b - a);

  test("following next through a filtered log, with a scan window smaller than the log, gives every match once, newest first", async () => {
    const s = await mixedHistory(fresh, 4);
    for (const filter of [
      {},
      { provider: "openai" },
      { status: "errors" as const },
      { keyId: "key-b", status: "errors" as const },
      { provider: "openai", keyId: "nobody" },
    ]) {
      const seen: number[] = [];
      let before: number | undefined;
      let pages = 0;
      do {
        const page = await listUsageLogsFiltered(s, { ...filter, limit: 25, before, scanIds: 300 });
        seen.push(...page.rows.map((r) => r.id));
        before = page.next ?? undefined;
        expect(++pages).toBeLessThan(500);
        if (page.next === null) break;
      } while (true);
      expect(seen).toEqual(await all(s, filter));
    }
  }, 60_000);

  test("a model matches case-insensitively and literally; rows come back with their types", async () => {
    const s = await fresh();
    await write(s, [
      { ts: 1, requestId: "a", endpoint: "e", modelRequested: "Claude-Sonnet", status: 200, stream: true },
      { ts: 2, requestId: "b", endpoint: "e", modelRequested: "gpt_4%", status: 500 },
      { ts: 3, requestId: "c", endpoint: "e", modelRequested: "gpt-4o", status: 200, cache: "hit" },
    ]);
    const ids = async (f: UsageLogFilter) => (await listUsageLogsFiltered(s, { ...f, limit: 10 })).rows.map((r) => r.requestId);
    expect(await ids({ model: "sonnet" })).toEqual(["a"]);
    expect(await ids({ model: "_4%" })).toEqual(["b"]);
    expect(await ids({ model: "gpt" })).toEqual(["c", "b"]);
    expect(await ids({ cacheHits: true, status: "ok" })).toEqual(["c"]);
    const [row] = (await listUsageLogsFiltered(s, { model: "sonnet", limit: 1 })).rows;
    expect(row).toMatchObject({ ts: 1, requestId: "a", stream: true, costUsd: 0, keyId: null, status: 200 });
    expect(typeof row?.id).toBe("number");
  });

  test("a filtered page never looks through more ids than its window", async () => {
    const s = await mixedHistory(fresh, 8);
    const page = await listUsageLogsFiltered(s, { provider: "nowhere", limit: 50, scanIds: 1000 });
    const top = Math.max(...(await allRows(s)).map((r) => r.id));
    expect(page.rows).toEqual([]);
    expect(page.next).toBe(top + 1 - 1000);
  });

  test("GET /api/usage/logs's cursor walks the whole log once", async () => {
    const s = await mixedHistory(fresh, 9);
    const seen: number[] = [];
    for (let before: number | undefined; ; ) {
      const rows = await listUsageLogs(s, { limit: 100, before });
      seen.push(...rows.map((r) => r.id));
      if (rows.length < 100) break;
      before = rows.at(-1)!.id;
    }
    expect(seen).toEqual(await all(s, {}));
  });
});
