// Migration 0004: usage_log ids become plain rowids, every row and the rollup watermark kept sound.
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { sqliteStore } from "../../src/db/store.ts";
import { createUsageWriter } from "../../src/db/usage-writer.ts";
import { historyBounds } from "../../src/db/queries/usage-history.ts";
import { useTempDatabases } from "./support.ts";

const ROOT = join(import.meta.dir, "../..");
const { tempDir, open } = useTempDatabases();

describe("migration 0004: usage_log ids become plain rowids", () => {
  /** A database as the previous release left it: migrations up to 0003 only. */
  function previousRelease(path: string) {
    const folder = join(tempDir(), "drizzle");
    cpSync(join(ROOT, "drizzle"), folder, { recursive: true });
    rmSync(join(folder, "0004_usage_log_rowid.sql"));
    const journal = JSON.parse(readFileSync(join(folder, "meta/_journal.json"), "utf8"));
    journal.entries = journal.entries.filter((e: { idx: number }) => e.idx < 4);
    writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify(journal));
    const sqlite = new Database(path, { create: true });
    migrate(drizzle({ client: sqlite }), { migrationsFolder: folder });
    return sqlite;
  }

  const insertRow = (sqlite: Database, id: number | null) =>
    sqlite
      .query("insert into usage_log (id, ts, request_id, endpoint, model_requested, status) values (?, 1, ?, 'chat.completions', 'm', 200)")
      .run(id, `r${id}`);

  test("every row is kept with its id, and the next row takes the id after the newest", async () => {
    const path = join(tempDir(), "omniroute.sqlite");
    const old = previousRelease(path);
    expect((old.query("select sql from sqlite_master where name = 'usage_log'").get() as { sql: string }).sql).toContain("AUTOINCREMENT");
    for (const id of [1, 2, 7]) insertRow(old, id);
    old.close();

    const db = await open(path);
    expect((db.$client.query("select sql from sqlite_master where name = 'usage_log'").get() as { sql: string }).sql).not.toContain(
      "AUTOINCREMENT",
    );
    expect(db.$client.query("select id from usage_log order by id").all()).toEqual([{ id: 1 }, { id: 2 }, { id: 7 }]);
    const indexes = db.$client.query("select name from sqlite_master where type = 'index' and tbl_name = 'usage_log' order by name").all();
    expect(indexes).toEqual([{ name: "usage_log_key_ts_idx" }, { name: "usage_log_ts_idx" }]);
    const writer = createUsageWriter(sqliteStore(db));
    writer.insert({ ts: 2, requestId: "next", endpoint: "chat.completions", modelRequested: "m", status: 200 });
    await writer.flush();
    expect(db.$client.query("select id from usage_log where request_id = 'next'").get()).toEqual({ id: 8 });
  });

  test("a watermark left above the newest row (its newer rows rolled up and pruned) comes down to it", async () => {
    const path = join(tempDir(), "omniroute.sqlite");
    const old = previousRelease(path);
    for (const id of [1, 2, 3]) insertRow(old, id);
    // Rows 4..9 were rolled up and pruned; AUTOINCREMENT would have given the next row 10.
    old.query("insert into settings (key, value, updated_at) values ('usage.rolledUpTo', '9', 0)").run();
    old.close();

    const db = await open(path);
    expect((await historyBounds(sqliteStore(db))).rolledUpTo).toBe(3);
  });

  test("a watermark at or below the newest row is left alone", async () => {
    const path = join(tempDir(), "omniroute.sqlite");
    const old = previousRelease(path);
    for (const id of [1, 2, 3]) insertRow(old, id);
    old.query("insert into settings (key, value, updated_at) values ('usage.rolledUpTo', '2', 0)").run();
    old.close();

    const db = await open(path);
    expect((await historyBounds(sqliteStore(db))).rolledUpTo).toBe(2);
  });
});
