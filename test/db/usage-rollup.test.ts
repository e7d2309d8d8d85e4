// Rollups and retention give the same daily and hourly totals on SQLite and PostgreSQL, and on one PostgreSQL shared
// by several instances every row is folded once: racing folds, upkeep rounds under an advisory lock, rows committed late.
import { expect, test } from "bun:test";
import { SQL } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { closeDatabase, openDatabase } from "../../src/db/client.ts";
import { USAGE_UPKEEP_LOCK_KEY } from "../../src/db/pg-lock.ts";
import { closePostgresStore, openPostgresStore } from "../../src/db/pg-store.ts";
import type { NewUsageRow } from "../../src/db/queries/usage.ts";
import {
  advanceRawFrom,
  DAY_MS,
  HOUR_MS,
  historyBounds,
  pruneHourlyBatch,
  pruneUsageBatch,
  rollupUsageBatch,
} from "../../src/db/queries/usage-history.ts";
import { sqliteStore, type Store } from "../../src/db/store.ts";
import { createUsageWriter } from "../../src/db/usage-writer.ts";
import { createUsageHistory } from "../../src/usage/history.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { waitUntil } from "../support/real-servers.ts";

const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY_MS) * DAY_MS;

/** Rows over 40 days: every kind of missing value, errors, cache hits, several per group and hour. */
function history(n: number, seed = 1): NewUsageRow[] {
  let s = seed;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  return Array.from({ length: n }, (_, i) => ({
    ts: Math.floor(TODAY - 40 * DAY_MS + rnd() * (NOW - TODAY + 40 * DAY_MS)),
    requestId: `r${seed}-${i}`,
    keyId: pick([null, "key-a", "key-b"]),
    endpoint: "chat.completions",
    provider: pick([null, "openai", "anthropic"]),
    modelRequested: pick(["auto", "gpt-4o"]),
    modelServed: pick([null, "gpt-4o", "claude-sonnet-4-5"]),
    inputTokens: Math.floor(rnd() * 4000),
    outputTokens: Math.floor(rnd() * 800),
    cacheReadTokens: Math.floor(rnd() * 100),
    cacheWriteTokens: Math.floor(rnd() * 50),
    reasoningTokens: Math.floor(rnd() * 30),
    costUsd: Math.round(rnd() * 1e6) / 1e7,
    status: rnd() < 0.15 ? pick([400, 429, 502]) : 200,
    cache: pick([null, null, "hit", "miss"]),
  }));
}

async function write(s: Store, rows: NewUsageRow[]) {
  const writer = createUsageWriter(s);
  for (const r of rows) writer.insert(r);
  await writer.flush();
}

/** Both rollup tables as plain rows, in one order (costs to 1e-9 USD: sums of floats in another order). */
async function rollups(s: Store) {
  const tidy = (rows: Array<Record<string, unknown>>) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === "costUsd" ? Math.round(Number(v) * 1e9) : v])));
  const daily = await s.db.select().from(s.t.usageDaily);
  const hourly = await s.db.select().from(s.t.usageHourly);
  const key = (r: Record<string, unknown>) => JSON.stringify([r.day ?? r.hour, r.keyId, r.provider, r.model]);
  const sorted = (rows: Array<Record<string, unknown>>) => tidy(rows).sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return { daily: sorted(daily), hourly: sorted(hourly) };
}

const rawCount = async (s: Store) => Number((await s.rows<{ n: number | string }>(sql`select count(*) as n from usage_log`))[0]!.n);

describeWithPostgres("usage rollups", (postgres) => {
  test("the same rows give the same daily and hourly totals, and the same pruning, on SQLite and PostgreSQL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "omniroute-rollup-"));
    const db = await openDatabase(join(dir, "usage.sqlite"));
    const { store: pg } = await openPostgresStore(await postgres().createDatabase(), { poolMax: 2 });
    try {
      const lite = sqliteStore(db);
      const rows = history(1500);
      for (const s of [lite, pg] as Store[]) {
        await write(s, rows.slice(0, 1000));
        expect(await rollupUsageBatch(s, 400)).toEqual({ rows: 400, done: false });
        await write(s, rows.slice(1000));
        while (!(await rollupUsageBatch(s, 300)).done) {
          /* the rest */
        }
      }
      const fromLite = await rollups(lite);
      expect(fromLite.daily.reduce((n, r) => n + Number(r.requests), 0)).toBe(1500);
      expect(fromLite.hourly.reduce((n, r) => n + Number(r.errors), 0)).toBe(rows.filter((r) => r.status >= 400).length);
      expect(fromLite.daily.reduce((n, r) => n + Number(r.cacheHits), 0)).toBe(rows.filter((r) => r.cache === "hit").length);
      expect(await rollups(pg)).toEqual(fromLite);

      const pruned: number[] = [];
      for (const s of [lite, pg] as Store[]) {
        await advanceRawFrom(s, TODAY - 20 * DAY_MS);
        let n = 0;
        for (let k = await pruneUsageBatch(s, 250); k > 0; k = await pruneUsageBatch(s, 250)) n += k;
        while ((await pruneHourlyBatch(s, 250)) > 0) {
          /* hours before the window */
        }
        pruned.push(n);
        expect(await historyBounds(s)).toEqual({
          rolledUpTo: 1500,
          rawFrom: TODAY - 20 * DAY_MS,
          rawFromDay: new Date(TODAY - 20 * DAY_MS).toISOString().slice(0, 10),
        });
      }
      expect(pruned[0]).toBeGreaterThan(0);
      expect(pruned[1]).toBe(pruned[0]!);
      expect(await rawCount(pg)).toBe(await rawCount(lite));
      expect(await rollups(pg)).toEqual(await rollups(lite));
      expect((await rollups(pg)).hourly.every((r) => Number(r.hour) >= TODAY - 20 * DAY_MS)).toBe(true);
    } finally {
      await closePostgresStore(pg);
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test("two instances folding at once count every row once; their upkeep rounds run one at a time", async () => {
    const url = await postgres().createDatabase();
    const a = (await openPostgresStore(url, { poolMax: 3 })).store;
    const b = (await openPostgresStore(url, { poolMax: 3 })).store;
    try {
      const rows = history(2000, 2);
      await write(a, rows.slice(0, 1000));
      await write(b, rows.slice(1000));
      // Folds straight from both, racing batch after batch.
      const fold = async (s: Store) => {
        let n = 0;
        for (let i = 0; i < 20; i++) n += (await rollupUsageBatch(s, 150)).rows;
        return n;
      };
      const [na, nb] = await Promise.all([fold(a), fold(b)]);
      expect(na + nb).toBe(2000);
      const total = (await rollups(a)).daily.reduce((n, r) => n + Number(r.requests), 0);
      expect(total).toBe(2000);

      // While another instance is in the middle of a round (it holds the upkeep lock), this one skips its own.
      await write(b, history(300, 3));
      const upkeep = (s: Store) =>
        createUsageHistory({ store: s, retentionDays: () => 90, onError: (e) => console.error(e), intervalMs: 0, rollupBatch: 50 });
      const other = await a.pg.reserve();
      try {
        expect(
          ((await other`select pg_try_advisory_lock(${USAGE_UPKEEP_LOCK_KEY.toString()}::bigint) as ok`) as Array<{ ok: boolean }>)[0]!.ok,
        ).toBe(true);
        expect(await upkeep(b).maintain(NOW)).toEqual({ rolled: 0, pruned: 0, skipped: true });
        expect(await upkeep(b).rollup()).toBe(0);
        await other`select pg_advisory_unlock(${USAGE_UPKEEP_LOCK_KEY.toString()}::bigint)`;
      } finally {
        other.release();
      }
      // Rounds started together on both: whichever runs, the rows are folded once.
      const rounds = await Promise.all([upkeep(a).maintain(NOW), upkeep(b).maintain(NOW)]);
      expect(rounds.some((r) => !r.skipped)).toBe(true);
      expect(rounds.reduce((n, r) => n + r.rolled, 0)).toBe(300);
      expect((await rollups(b)).daily.reduce((n, r) => n + Number(r.requests), 0)).toBe(2300);
    } finally {
      await closePostgresStore(a);
      await closePostgresStore(b);
    }
  }, 60_000);

  test("a row whose insert commits after a later one's is folded once, not skipped", async () => {
    const url = await postgres().createDatabase();
    const { store } = await openPostgresStore(url, { poolMax: 3 });
    const slow = new SQL(url, { max: 2 });
    try {
      const [late, early] = history(2, 4);
      // An instance takes an id and has not committed yet...
      const reserved = await slow.reserve();
      await reserved`begin`;
      await reserved`insert into usage_log (ts, request_id, endpoint, model_requested, status, cost_usd) values (${late!.ts}, 'late', 'e', 'm', 200, 0.5)`;
      // ...while another's row, with a higher id, is committed.
      await write(store, [early!]);
      const folding = rollupUsageBatch(store, 100);
      // The fold waits for the insert under way rather than moving its watermark past that id.
      await waitUntil(
        "the fold to wait for the insert under way",
        async () => Number(((await slow`select count(*)::int as n from pg_locks where not granted`) as Array<{ n: number }>)[0]!.n) > 0,
        5_000,
      );
      await reserved`commit`;
      reserved.release();
      expect(await folding).toEqual({ rows: 2, done: true });
      expect(await rollupUsageBatch(store, 100)).toEqual({ rows: 0, done: true });
      expect((await rollups(store)).daily.reduce((n, r) => n + Number(r.requests), 0)).toBe(2);
    } finally {
      await slow.close();
      await closePostgresStore(store);
    }
  }, 30_000);
});
