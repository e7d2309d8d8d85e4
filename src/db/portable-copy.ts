// A whole store through a SQLite file: the portable copy a PostgreSQL export writes, and an import's replacement of every table on PostgreSQL.
import { Database } from "bun:sqlite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { closeDatabase, openDatabase, type Db } from "./client.ts";
import { copyTables, type CopyOptions } from "./copy-tables.ts";
import { IMPORT_LOCK_KEY, USAGE_FOLD_LOCK_KEY, whileLockedWaiting } from "./pg-lock.ts";
import * as schema from "./schema.ts";
import { sqliteStore, type PostgresStore, type Store } from "./store.ts";

/**
 * Writes every table of `store` into a new SQLite database at `target` (created 0600 and migrated by `openDatabase`),
 * read as one snapshot: on PostgreSQL a repeatable-read, read-only transaction, so rows written meanwhile by any
 * instance are either all in the copy or not at all. The file opens in any OmniRoute and imports into either dialect.
 */
export async function writePortableCopy(store: Store, target: string): Promise<void> {
  const db = await openDatabase(target);
  try {
    await store.transaction(async (tx) => {
      // The first statement of the transaction, as PostgreSQL requires.
      if (tx.dialect === "postgres") await tx.rows(sql`set transaction isolation level repeatable read, read only`);
      await copyTables(tx, sqliteStore(db));
    });
  } finally {
    closeDatabase(db);
  }
}

/** Runs `fn` while no other instance on this database imports (an advisory lock held from the backup to the commit). */
export function oneImportAtATime<T>(store: PostgresStore, fn: () => Promise<T>): Promise<T> {
  return whileLockedWaiting(store.pg, IMPORT_LOCK_KEY, fn);
}

/**
 * Replaces the rows of `live` with those of the checked, migrated SQLite file at `path` (read-only), in one
 * transaction. On PostgreSQL it first holds the rollup lock and usage_log in EXCLUSIVE mode (reads go on): other
 * instances' usage rows and rollups wait for the commit instead of taking ids or buckets the copy is writing, and
 * land after it. Returns the rows now in each copied table.
 */
export async function replaceFromFile(live: Store, path: string, opts: CopyOptions): Promise<Record<string, number>> {
  const client = new Database(path, { readonly: true, strict: true });
  const uploaded = sqliteStore(drizzle({ client, schema }) as Db);
  try {
    return await live.transaction(async (tx) => {
      if (tx.dialect === "postgres") {
        await tx.rows(sql`select pg_advisory_xact_lock(${USAGE_FOLD_LOCK_KEY.toString()}::bigint)`);
        await tx.rows(sql`lock table usage_log in exclusive mode`);
      }
      return copyTables(uploaded, tx, opts);
    });
  } finally {
    client.close();
  }
}
