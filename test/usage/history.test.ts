// Usage history: daily rollups and retention keep /api/usage totals and budget spend exactly as the raw rows had them.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "../../src/db/client.ts";
import { spentSince } from "../../src/db/queries/budgets.ts";
import type { NewUsageRow } from "../../src/db/queries/usage.ts";
import { first, sqliteStore } from "../../src/db/store.ts";
import { createUsageWriter } from "../../src/db/usage-writer.ts";
import { advanceRawFrom, historyBounds, pruneUsageBatch } from "../../src/db/queries/usage-history.ts";
import { createBudgets } from "../../src/usage/budgets.ts";
import { createUsageHistory } from "../../src/usage/history.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

const DAY = 86_400_000;
const NOW = Date.now();
const midnight = (ms: number) => Math.floor(ms / DAY) * DAY;
const GROUPS = ["provider", "model", "key", "day"] as const;

let up: FakeUpstream;
let gw: TestGateway;
beforeAll(() => {
  up = startOpenAIUpstream({ kind: "text", text: "ok", usage: { input: 1_000, output: 500 } });
});
afterAll(async () => {
  await up.close();
});
beforeEach(async () => {
  gw = await startGateway();
  await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${up.url}/v1` } });
});
afterEach(async () => {
  await gw.close();
});

/** The first row of a statement on the gateway's store (counts and sums the API does not show). */
const one = async (text: string) => first(await gw.services.store.rows<any>(sql.raw(text)));
const count = async (where = "1") => Number((await one(`select count(*) as n from usage_log where ${where}`)).n);

async function insert(rows: Array<Partial<NewUsageRow> & { ts: number }>) {
  const writer = createUsageWriter(gw.services.store);
  for (const [i, r] of rows.entries()) {
    writer.insert({
      requestId: `synthetic-${r.ts}-${i}`,
      endpoint: "chat.completions",
      modelRequested: "ds/deepseek-chat",
      status: 200,
      ...r,
    });
  }
  await writer.flush();
}

/** Rows over 200 days: every kind of missing value, errors, cache hits, several a day for the same group. */
async function seedHistory() {
  const rows: Array<Partial<NewUsageRow> & { ts: number }> = [];
  for (const daysAgo of [200, 120, 95, 60, 31, 30, 29, 10, 2, 1, 0]) {
    for (let i = 0; i < 4; i++) {
      rows.push({
        ts: NOW - daysAgo * DAY - i * 3_600_000,
        keyId: i % 3 === 0 ? null : `key-${i % 3}`,
        provider: i === 3 ? null : i % 2 ? "ds" : "groq",
        modelServed: i === 3 ? null : i % 2 ? "deepseek-chat" : "llama",
        modelRequested: i === 3 ? "nope/missing" : "combo-a",
        inputTokens: 100 * (i + 1) + daysAgo,
        outputTokens: 10 * (i + 1),
        cacheReadTokens: i,
        costUsd: 0.001 * (i + 1) + daysAgo / 1e5,
        status: i === 3 ? 502 : i === 2 ? 429 : 200,
        cache: i === 1 && daysAgo % 2 === 0 ? "hit" : null,
      });
    }
  }
  await insert(rows);
}

async function totals(groupBy: string, range = "") {
  const res = await gw.api(`/api/usage?groupBy=${groupBy}${range}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as any[]).map((g) => ({ ...g, costUsd: Math.round(g.costUsd * 1e6) }));
}

/** Every grouping over every range: whole history, day-aligned windows, and one that starts mid-day inside retention. */
async function snapshot(ranges: string[]) {
  const out: Record<string, unknown> = {};
  for (const groupBy of GROUPS) for (const range of ranges) out[`${groupBy}${range}`] = await totals(groupBy, range);
  return out;
}

async function ask(n: number) {
  const { key } = await (await gw.api("/api/keys", { body: { name: "live" } })).json();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
  }
}

describe("rollups and retention", () => {
  test("totals are the same before a rollup, after it, and after retention pruned the raw rows", async () => {
    await seedHistory();
    await ask(3);
    const ranges = [
      "",
      `&from=${new Date(midnight(NOW - 100 * DAY)).toISOString()}`,
      `&from=${midnight(NOW - 125 * DAY)}&to=${midnight(NOW - 30 * DAY) - 1}`,
      `&from=${NOW - 10 * DAY - 2 * 3_600_000 + 1}&to=${NOW - DAY}`,
    ];
    const before = await snapshot(ranges);
    const rawRows = await count();
    expect((before.day as any[]).reduce((n, g) => n + g.requests, 0)).toBe(rawRows);
    const keys = ["key-1", "key-2"];
    const sinces = [0, midnight(NOW - 100 * DAY), midnight(NOW - 30 * DAY), midnight(NOW - 5 * DAY)];
    const spentAll = () => Promise.all(keys.flatMap((k) => sinces.map((s) => spentSince(gw.services.store, k, s))));
    const spentBefore = await spentAll();
    expect(spentBefore.every((n) => n > 0)).toBe(true);

    expect(await gw.services.usageHistory.rollup()).toBe(rawRows);
    const daily = await one("select sum(requests) as r, sum(errors) as e, sum(cache_hits) as h, count(*) as n from usage_daily");
    expect(daily.r).toBe(rawRows);
    expect(daily.e).toBe(await count("status >= 400"));
    expect(daily.h).toBe(await count("cache = 'hit'"));
    expect(daily.n).toBeLessThan(rawRows);
    expect(await snapshot(ranges)).toEqual(before);

    const put = await gw.api("/api/settings", { method: "PUT", body: { usageRetentionDays: 30 } });
    expect(put.status).toBe(200);
    const { pruned } = await gw.services.usageHistory.maintain(NOW);
    const cutoff = midnight(NOW) - 30 * DAY;
    expect(pruned).toBe(rawRows - (await count()));
    expect(pruned).toBeGreaterThan(0);
    expect(await count(`ts < ${cutoff}`)).toBe(0);
    expect(await count(`ts >= ${cutoff}`)).toBe(await count());
    expect((await historyBounds(gw.services.store)).rawFrom).toBe(cutoff);

    expect(await snapshot(ranges)).toEqual(before);
    expect(await spentAll()).toEqual(spentBefore.map((n) => expect.closeTo(n, 9)) as any);
  });

  test("rows not rolled up yet are never pruned, and count once whether raw or rolled", async () => {
    await seedHistory();
    await gw.services.usageHistory.maintain(NOW); // default 90 days: rolls everything, prunes what is older
    const before = await snapshot([""]);
    // A late row from long ago (a request whose row was written after the last rollup).
    await insert([{ ts: NOW - 150 * DAY, keyId: "key-1", provider: "ds", modelServed: "deepseek-chat", costUsd: 0.5, inputTokens: 7 }]);
    const late = await count(`ts < ${NOW - 149 * DAY}`);
    expect(late).toBe(1);
    expect(await pruneUsageBatch(gw.services.store, 5_000)).toBe(0);
    expect(await count(`ts < ${NOW - 149 * DAY}`)).toBe(1);

    const withLate = await totals("day");
    const day = new Date(NOW - 150 * DAY).toISOString().slice(0, 10);
    expect(withLate.find((g) => g.group === day)).toMatchObject({ requests: 1, inputTokens: 7, costUsd: 500_000 });
    expect(withLate.reduce((n, g) => n + g.requests, 0)).toBe((before.day as any[]).reduce((n, g) => n + g.requests, 0) + 1);

    await gw.services.usageHistory.maintain(NOW);
    expect(await count(`ts < ${NOW - 149 * DAY}`)).toBe(0);
    expect(await totals("day")).toEqual(withLate);
  });

  test("totals stay exact while a prune is half done (days moved to the rollups, raw rows not all deleted yet)", async () => {
    await seedHistory();
    const ranges = ["", `&from=${midnight(NOW - 61 * DAY)}&to=${NOW - 20 * DAY}`];
    const before = await snapshot(ranges);
    await gw.services.usageHistory.rollup();
    await advanceRawFrom(gw.services.store, midnight(NOW) - 30 * DAY);
    expect(await snapshot(ranges)).toEqual(before);
    expect(await pruneUsageBatch(gw.services.store, 5)).toBe(5);
    expect(await snapshot(ranges)).toEqual(before);
    while ((await pruneUsageBatch(gw.services.store, 5)) > 0) {
      /* the rest */
    }
    expect(await count(`ts < ${midnight(NOW) - 30 * DAY}`)).toBe(0);
    expect(await snapshot(ranges)).toEqual(before);
  });

  test("a rollup adds to the daily counters already there", async () => {
    const ts = midnight(NOW) + 1_000;
    await insert([
      { ts, keyId: null, provider: null, modelServed: null, modelRequested: "x", costUsd: 0.25, inputTokens: 10, status: 500 },
    ]);
    await gw.services.usageHistory.rollup();
    await insert([
      {
        ts: ts + 1,
        keyId: null,
        provider: null,
        modelServed: null,
        modelRequested: "x",
        costUsd: 0.5,
        inputTokens: 20,
        status: 200,
        cache: "hit",
      },
      { ts: ts + 2, keyId: "k", provider: "ds", modelServed: null, modelRequested: "x", costUsd: 1, inputTokens: 1 },
    ]);
    await gw.services.usageHistory.rollup();
    const rows = await gw.services.store.rows<any>(sql`select * from usage_daily order by key_id`);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      key_id: "",
      provider: "",
      model: "x",
      requests: 2,
      input_tokens: 30,
      cost_usd: 0.75,
      errors: 1,
      cache_hits: 1,
    });
    expect(rows[1]).toMatchObject({ key_id: "k", provider: "ds", model: "x", requests: 1 });
    expect((await historyBounds(gw.services.store)).rolledUpTo).toBe((await one("select max(id) as m from usage_log")).m);
  });

  test("retention deletes in batches and a shorter budget period stays exact after it", async () => {
    const keyId = (await gw.services.apiKeys.create("budgeted", [])).row.id;
    await insert(Array.from({ length: 23 }, (_, i) => ({ ts: NOW - (i % 6) * DAY, keyId, costUsd: 0.01 })));
    await gw.services.budgets.set(keyId, "monthly", 100);
    const spent = async () => (await createBudgets(gw.services.store)).list().find((b) => b.keyId === keyId)!.spent;
    const before = await spent();
    await gw.api("/api/settings", { method: "PUT", body: { usageRetentionDays: 1 } });
    const history = createUsageHistory({
      store: gw.services.store,
      retentionDays: () => gw.services.settings.get().usageRetentionDays,
      onError: (e) => {
        throw e;
      },
      intervalMs: 0,
      pruneBatch: 4,
      rollupBatch: 5,
    });
    const result = await history.maintain(NOW);
    expect(result.rolled).toBe(23);
    expect(result.pruned).toBe(15); // the rows 2..5 days old; batches of 4 rows each
    expect(await count()).toBe(8);
    expect(await count(`ts < ${midnight(NOW) - DAY}`)).toBe(0);
    expect(await spent()).toBeCloseTo(before, 9);
    expect(await spentSince(gw.services.store, keyId, midnight(NOW - 7 * DAY))).toBeCloseTo(0.23, 9);
  });

  test("after a quiet spell longer than the retention window prunes every row, the next requests still count", async () => {
    await insert(Array.from({ length: 5 }, (_, i) => ({ ts: NOW - (40 + i) * DAY, keyId: "key-1", costUsd: 0.01 })));
    await gw.api("/api/settings", { method: "PUT", body: { usageRetentionDays: 30 } });
    const first = await gw.services.usageHistory.maintain(NOW);
    expect(first).toEqual({ rolled: 5, pruned: 5, skipped: false });
    expect(await count()).toBe(0);
    // Ids are rowids: with the table empty the next row takes id 1, so the watermark must not stay at 5.
    expect((await historyBounds(gw.services.store)).rolledUpTo).toBe(0);

    await ask(2);
    const rawTotal = (await totals("day")).reduce((n, g) => n + g.requests, 0);
    expect(rawTotal).toBe(7);
    expect((await gw.services.usageHistory.maintain(NOW)).rolled).toBe(2);
    const daily = await one("select sum(requests) as r from usage_daily");
    expect(daily.r).toBe(7);
    expect((await totals("day")).reduce((n, g) => n + g.requests, 0)).toBe(7);
  });

  test("flush() (shutdown) rolls up every row written so far", async () => {
    await ask(2);
    expect((await historyBounds(gw.services.store)).rolledUpTo).toBe(0);
    await gw.services.flush();
    expect((await historyBounds(gw.services.store)).rolledUpTo).toBe((await one("select max(id) as m from usage_log")).m);
    const rolled = await one("select sum(requests) as r from usage_daily");
    expect(rolled.r).toBe(2);
  });

  test("usageRetentionDays is validated", async () => {
    expect((await gw.api("/api/settings")).status).toBe(200);
    expect(((await (await gw.api("/api/settings")).json()) as any).usageRetentionDays).toBe(90);
    for (const bad of [0, 3651, 1.5])
      expect((await gw.api("/api/settings", { method: "PUT", body: { usageRetentionDays: bad } })).status).toBe(400);
  });
});

describe("the rollup timer", () => {
  test("runs on its interval, and stops quietly once the database is closed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "omniroute-history-"));
    try {
      const db = await openDatabase(join(dir, "db.sqlite"));
      const store = sqliteStore(db);
      const writer = createUsageWriter(store);
      writer.insert({ ts: NOW, requestId: "r", endpoint: "e", modelRequested: "m", status: 200 });
      await writer.flush();
      const errors: unknown[] = [];
      const history = createUsageHistory({ store, retentionDays: () => 90, onError: (e) => errors.push(e), intervalMs: 20 });
      await Bun.sleep(80);
      expect((await historyBounds(store)).rolledUpTo).toBe(1);
      db.$client.close();
      await Bun.sleep(80);
      expect(errors).toEqual([]);
      history.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
