// The storage suites run twice: on a SQLite file and on a real PostgreSQL (skipped with the reason where there is none).
import { afterEach, beforeAll, describe } from "bun:test";
import { SQL } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeDatabase, openDatabase } from "../../src/db/client.ts";
import { closePostgresStore, openPostgresStore } from "../../src/db/pg-store.ts";
import { sqliteStore, type PostgresStore, type SqliteStore, type Store } from "../../src/db/store.ts";
import { describeWithPostgres, type TestPostgres } from "./postgres.ts";
import type { ServerHandle } from "./real-servers.ts";

/** A fresh, migrated store for one test; closed (and its files removed) after the test. */
export type FreshStore = () => Promise<Store>;

/**
 * Registers `fn` twice: "name (SQLite)" with a new database file per `fresh()`, and "name (PostgreSQL)" with a new
 * database per `fresh()`, copied from one migrated once per suite (a template), on a server the suite starts.
 */
export function describeEachStore(name: string, fn: (fresh: FreshStore) => void): void {
  describe(`${name} (SQLite)`, () => fn(freshSqliteStores()));
  describeWithPostgres(`${name} (PostgreSQL)`, (postgres) => fn(freshPostgresStores(postgres)));
}

/** A suite that needs stores of both dialects in one test (moving data between them); skipped without PostgreSQL. */
export function describeWithBothStores(
  name: string,
  fn: (fresh: { sqlite: () => Promise<SqliteStore>; postgres: () => Promise<PostgresStore> }) => void,
): void {
  describeWithPostgres(name, (postgres) => fn({ sqlite: freshSqliteStores(), postgres: freshPostgresStores(postgres) }));
}

/** New SQLite stores on temp files, closed and removed after each test. Call inside a describe. */
export function freshSqliteStores(): () => Promise<SqliteStore> {
  const open: Array<() => void> = [];
  afterEach(() => {
    for (const close of open.splice(0)) close();
  });
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "omniroute-store-"));
    const db = await openDatabase(join(dir, "test.sqlite"));
    open.push(() => {
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    });
    return sqliteStore(db);
  };
}

/** New PostgreSQL stores, each on its own database copied from a migrated template, closed after each test. Call inside a describe. */
export function freshPostgresStores(postgres: ServerHandle<TestPostgres>): () => Promise<PostgresStore> {
  const open: Array<() => Promise<void>> = [];
  let template: string | undefined;
  beforeAll(async () => {
    template = await migratedTemplate(postgres);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((close) => close()));
  });
  return async () => {
    const url = await postgres().createDatabase(template);
    const { store } = await openPostgresStore(url, { poolMax: 4 });
    open.push(() => closePostgresStore(store));
    return store;
  };
}

/** A database with every migration applied, closed to connections so `create database ... template` can copy it. */
async function migratedTemplate(postgres: ServerHandle<TestPostgres>): Promise<string> {
  const url = await postgres().createDatabase();
  const { store } = await openPostgresStore(url, { poolMax: 1 });
  await closePostgresStore(store);
  const name = new URL(url).pathname.slice(1);
  const admin = new SQL(postgres().url, { max: 1 });
  try {
    await admin.unsafe(`alter database ${name} is_template true`);
  } finally {
    await admin.close();
  }
  return name;
}
