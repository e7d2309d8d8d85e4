// Usage totals read from the rollups equal what the raw rows give, over any range; the request log pages by id without gaps or repeats.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Db } from "../../src/db/client.ts";
import { spentSince } from "../../src/db/queries/budgets.ts";
import { createUsageWriter, listUsageLogs, type NewUsageRow } from "../../src/db/queries/usage.ts";
import { advanceRawFrom, DAY_MS, HOUR_MS, pruneUsageBatch, rollupUsageBatch } from "../../src/db/queries/usage-history.ts";
import { usageBreakdown, usageInRange, type RangeGroup } from "../../src/db/queries/usage-range.ts";
import { listUsageLogsFiltered, usageByHour, type UsageLogFilter } from "../../src/db/queries/usage-series.ts";
import { useTempDatabases } from "./support.ts";

const temp = useTempDatabases();
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

function write(db: Db, rows: NewUsageRow[]) {
  const writer = createUsageWriter(db);
  for (const r of rows) writer.insert(r);
  writer.flush();
}

const RAW_GROUP: Record<Exclude<RangeGroup, "none">, string> = {
  provider: "provider",
  model: "coalesce(model_served, model_requested)",
  key: "key_id",
  day: "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')",
  hour: "(ts / 3600000) * 3600000",
};

/** The reference: the same totals straight from every raw row. */
function fromRaw(db: Db, group: RangeGroup, from: number, to: number, keyId?: string) {
  return db.$client
    .query(
      `select ${group === "none" ? "null" : RAW_GROUP[group]} as "group", count(*) as requests, sum(input_tokens) as inputTokens,
         sum(output_tokens) as outputTokens, sum(cost_usd) as costUsd, sum(status >= 400) as errors
       from usage_log where ts >= ? and ts <= ? ${keyId ? "and key_id = ?" : ""} group by 1 order by 1`,
    )
    .all(from, to, ...(keyId ? [keyId] : [])) as Array<{ group: unknown; costUsd: number }>;
}

/** Costs are sums of floats added in another order: equal to 1e-9 USD. */
const exact = <T extends { costUsd: number }>(rows: T[]) => rows.map((r) => ({ ...r, costUsd: Math.round(r.costUsd * 1e9) }));

/** A mixed history: 12 days up to now, part rolled up, then rows not rolled up yet (today's, and late ones from past days). */
async function mixedHistory(seed = 7): Promise<Db> {
  const db = await temp.open(join(temp.tempDir(), "usage.sqlite"));
  const rnd = random(seed);
  write(db, rowsBetween(rnd, 3000, TODAY - 11 * DAY_MS - 5 * HOUR_MS, NOW - 2 * HOUR_MS));
  rollupUsageBatch(db, 2_000);
  rollupUsageBatch(db, 600); // 2,600 of 3,000 folded, the rest are not
  write(db, rowsBetween(rnd, 300, NOW - 3 * HOUR_MS, NOW));
  write(db, rowsBetween(rnd, 40, TODAY - 9 * DAY_MS, TODAY - 2 * DAY_MS)); // late rows of past days
  return db;
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

describe("totals from the rollups equal the raw rows", () => {
  test("every grouping over ranges of every shape, with rows rolled up, rows not yet rolled up, and today's", async () => {
    const db = await mixedHistory();
    const rnd = random(99);
    for (const [from, to] of ranges(rnd)) {
      for (const group of ["provider", "model", "key", "day", "hour", "none"] as const) {
        const got = exact(await usageInRange(db, { groupBy: group, from, to }));
        const want = exact(fromRaw(db, group, from, to ?? Number.MAX_SAFE_INTEGER)).filter(
          (r) => group !== "none" || (r as { requests?: number }).requests,
        );
        expect({ from, to, group, rows: got }).toEqual({ from, to, group, rows: want as typeof got });
      }
    }
  });

  test("one key's totals, the hourly series and the three-way breakdown agree with the raw rows too", async () => {
    const db = await mixedHistory(11);
    for (const [from, to] of ranges(random(5))) {
      const end = to ?? Number.MAX_SAFE_INTEGER;
      for (const key of ["key-a", "key-c"]) {
        expect(exact(await usageInRange(db, { groupBy: "day", from, to, keyId: key }))).toEqual(
          exact(fromRaw(db, "day", from, end, key)) as never,
        );
      }
      const hours = (await usageByHour(db, from, end)).map((b) => ({ group: b.start, ...b, start: undefined }));
      expect(exact(hours).map(({ start: _, ...r }) => r)).toEqual(exact(fromRaw(db, "hour", from, end)) as never);
      const triples = db.$client
        .query(`select provider, coalesce(model_served, model_requested) as model, key_id as keyId, count(*) as requests, sum(input_tokens) as inputTokens,
            sum(output_tokens) as outputTokens, sum(cost_usd) as costUsd, sum(status >= 400) as errors
          from usage_log where ts >= ? and ts <= ? group by 1, 2, 3 order by 1, 2, 3`)
        .all(from, end) as Array<{ costUsd: number }>;
      expect(exact(await usageBreakdown(db, from, end))).toEqual(exact(triples) as never);
    }
  });

  test("budget spend since a period start equals the raw rows' cost", async () => {
    const db = await mixedHistory(3);
    for (const since of [0, TODAY, TODAY - DAY_MS, TODAY - 7 * DAY_MS, TODAY - 30 * DAY_MS]) {
      for (const key of ["key-a", "key-b", "nobody"]) {
        const raw = (
          db.$client.query("select coalesce(sum(cost_usd), 0) as c from usage_log where key_id = ? and ts >= ?").get(key, since) as {
            c: number;
          }
        ).c;
        expect(spentSince(db, key, since)).toBeCloseTo(raw, 9);
      }
    }
  });

  test("after retention pruned old raw rows, ranges inside the window stay exact and older days count whole", async () => {
    const db = await mixedHistory(21);
    const cutoff = TODAY - 5 * DAY_MS;
    const inside: Array<[number, number]> = [
      [cutoff + 3 * HOUR_MS + 1, NOW],
      [TODAY - 2 * DAY_MS + 61_000, TODAY - DAY_MS + 7 * HOUR_MS],
    ];
    // A range starting mid-day before the cutoff counts that whole day (its raw rows are gone).
    const straddling: [number, number] = [TODAY - 8 * DAY_MS + 5 * HOUR_MS, TODAY - 3 * DAY_MS + 2 * HOUR_MS];
    const expected = (group: RangeGroup) => ({
      inside: inside.map(([a, b]) => exact(fromRaw(db, group, a, b))),
      straddling: exact(fromRaw(db, group, TODAY - 8 * DAY_MS, straddling[1])),
    });
    const before = Object.fromEntries((["provider", "model", "key", "day"] as const).map((g) => [g, expected(g)]));
    while (!rollupUsageBatch(db, 1_000).done) {
      /* all of it */
    }
    advanceRawFrom(db, cutoff);
    while (pruneUsageBatch(db, 500) > 0) {
      /* every rolled row before the cutoff */
    }
    expect((db.$client.query("select count(*) as n from usage_log where ts < ?").get(cutoff) as { n: number }).n).toBe(0);
    for (const group of ["provider", "model", "key", "day"] as const) {
      expect(await Promise.all(inside.map(async ([a, b]) => exact(await usageInRange(db, { groupBy: group, from: a, to: b }))))).toEqual(
        before[group]!.inside as never,
      );
      expect(exact(await usageInRange(db, { groupBy: group, from: straddling[0], to: straddling[1] }))).toEqual(
        before[group]!.straddling as never,
      );
    }
  });
});

describe("the request log pages by id", () => {
  const all = (db: Db, filter: UsageLogFilter) => {
    const where = [
      filter.provider ? "provider = 'openai'" : "",
      filter.status === "errors" ? "status >= 400" : "",
      filter.keyId ? `key_id = '${filter.keyId}'` : "",
    ].filter(Boolean);
    return (
      db.$client.query(`select id from usage_log ${where.length ? `where ${where.join(" and ")}` : ""} order by id desc`).all() as Array<{
        id: number;
      }>
    ).map((r) => r.id);
  };

  test("following next through a filtered log, with a scan window smaller than the log, gives every match once, newest first", async () => {
    const db = await mixedHistory(4);
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
        const page = listUsageLogsFiltered(db, { ...filter, limit: 25, before, scanIds: 300 });
        seen.push(...page.rows.map((r) => r.id));
        before = page.next ?? undefined;
        expect(++pages).toBeLessThan(500);
        if (page.next === null) break;
      } while (true);
      expect(seen).toEqual(all(db, filter));
    }
  });

  test("a filtered page never looks through more ids than its window", async () => {
    const db = await mixedHistory(8);
    const page = listUsageLogsFiltered(db, { provider: "nowhere", limit: 50, scanIds: 1000 });
    const top = (db.$client.query("select max(id) as m from usage_log").get() as { m: number }).m;
    expect(page.rows).toEqual([]);
    expect(page.next).toBe(top + 1 - 1000);
  });

  test("GET /api/usage/logs's cursor walks the whole log once", async () => {
    const db = await mixedHistory(9);
    const seen: number[] = [];
    for (let before: number | undefined; ; ) {
      const rows = listUsageLogs(db, { limit: 100, before });
      seen.push(...rows.map((r) => r.id));
      if (rows.length < 100) break;
      before = rows.at(-1)!.id;
    }
    expect(seen).toEqual(all(db, {}));
  });
});
