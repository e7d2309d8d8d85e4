// The usage_hourly migration: the table is created and backfilled from the raw rows already rolled up, so hours read like the raw rows.
import { sqliteStore } from "../../src/db/store.ts";
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { DAY_MS, HOUR_MS, rollupUsageBatch } from "../../src/db/queries/usage-history.ts";
import { useTempDatabases } from "./support.ts";

const ROOT = join(import.meta.dir, "../..");
const { tempDir, open } = useTempDatabases();
const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS;

/** A database as the previous release left it: every migration before the one that adds usage_hourly. */
function previousRelease(path: string): Database {
  const folder = join(tempDir(), "drizzle");
  cpSync(join(ROOT, "drizzle"), folder, { recursive: true });
  const journal = JSON.parse(readFileSync(join(folder, "meta/_journal.json"), "utf8"));
  const hourly = journal.entries.find((e: { tag: string }) => e.tag.endsWith("_usage_hourly"));
  rmSync(join(folder, `${hourly.tag}.sql`));
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx < hourly.idx);
  writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify(journal));
  const sqlite = new Database(path, { create: true });
  migrate(drizzle({ client: sqlite }), { migrationsFolder: folder });
  return sqlite;
}

const HOURS_FROM_RAW = `select (ts / ${HOUR_MS}) * ${HOUR_MS} as hour, coalesce(key_id, '') as key_id, coalesce(provider, '') as provider,
    coalesce(model_served, model_requested) as model, count(*) as requests, sum(input_tokens) as input_tokens, sum(cost_usd) as cost_usd,
    sum(status >= 400) as errors, sum(cache is 'hit') as cache_hits
  from usage_log where id <= ? and ts >= ? group by 1, 2, 3, 4 order by 1, 2, 3, 4`;
const HOURS = `select hour, key_id, provider, model, requests, input_tokens, cost_usd, errors, cache_hits from usage_hourly order by 1, 2, 3, 4`;

describe("the usage_hourly migration", () => {
  test("the rows already rolled up and still kept raw are folded into hours; the others are left to the next rollup", async () => {
    const path = join(tempDir(), "omniroute.sqlite");
    const old = previousRelease(path);
    const insert = old.prepare(
      "insert into usage_log (ts, request_id, key_id, endpoint, provider, model_requested, model_served, input_tokens, cost_usd, status, cache) values (?, ?, ?, 'e', ?, 'm', ?, ?, ?, ?, ?)",
    );
    // 6 days of rows, 7 an hour, over every kind of missing value; ids follow time.
    let n = 0;
    old.transaction(() => {
      for (let ts = TODAY - 6 * DAY_MS; ts < TODAY + 3 * HOUR_MS; ts += HOUR_MS / 7) {
        n++;
        insert.run(
          ts,
          `r${n}`,
          n % 3 ? `key-${n % 3}` : null,
          n % 5 ? "openai" : null,
          n % 4 ? "gpt-4o" : null,
          n,
          n * 0.5,
          n % 9 ? 200 : 500,
          n % 6 ? null : "hit",
        );
      }
    })();
    const rolledUpTo = Math.floor(n * 0.8);
    const rawFrom = TODAY - 3 * DAY_MS; // rows before it are (being) pruned: their days are read whole from usage_daily
    old
      .query("insert into settings (key, value, updated_at) values ('usage.rolledUpTo', ?, 0), ('usage.rawFrom', ?, 0)")
      .run(String(rolledUpTo), String(rawFrom));
    old.close();

    const db = await open(path);
    expect(db.$client.query(HOURS).all()).toEqual(db.$client.query(HOURS_FROM_RAW).all(rolledUpTo, rawFrom));
    // The next rollup folds the rest into days and hours alike.
    while (!(await rollupUsageBatch(sqliteStore(db), 100)).done) {
      /* all of it */
    }
    expect(db.$client.query(HOURS).all()).toEqual(db.$client.query(HOURS_FROM_RAW).all(n, rawFrom));
  });
});
