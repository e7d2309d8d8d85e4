// The data store the services read and write: one async interface over SQLite (embedded, the default) or PostgreSQL (DATABASE_URL).
import type { SQL as BunSQL } from "bun";
import type { SQL } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { Db } from "./client.ts";
import * as sqliteTables from "./schema.ts";

export type Dialect = "sqlite" | "postgres";

/** The tables, by their schema.ts names; on PostgreSQL the pg-schema.ts twins, which have the same names and row types. */
export type Tables = typeof sqliteTables;

/**
 * The query builder queries are written against, once for both dialects: drizzle's SQLite builder types. On
 * PostgreSQL the same calls run on drizzle's pg-core builder over pg-schema.ts, whose tables have the same names,
 * columns and row types (test/db/pg-schema.test.ts and the typecheck hold them equal); select, insert (with
 * `onConflictDoUpdate`/`onConflictDoNothing`), update, delete and `returning()` have the same shape in both. So a
 * query only awaits its builder: SQLite's synchronous `.get()`, `.all()`, `.run()` and `.values()` are left out of
 * this type, and where the SQL itself differs (date functions, raw statements), the query asks `store.dialect`.
 */
export type QueryDb = Omit<BunSQLiteDatabase<Tables>, "$client" | "get" | "all" | "run" | "values" | "transaction">;

interface StoreBase {
  readonly db: QueryDb;
  readonly t: Tables;
  /**
   * Runs `fn` in one transaction: its writes commit together, or none does when it throws. `fn` awaits only
   * this store's calls through `tx` (compute first, then write): on SQLite those complete at once, so no other
   * turn of the event loop runs inside the transaction and nothing else's writes fall into it. Inside a
   * transaction, `tx.transaction` runs its function in the same one.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** The rows of a statement drizzle's builder cannot say; its text is the dialect's own (ask `dialect`). */
  rows<R>(query: SQL): Promise<R[]>;
  /** Where the data lives, for logs and health: the SQLite file, or host:port/database (never a password). */
  readonly where: string;
  /** Resolves once the database answered a trivial query, rejects with its error, or after `timeoutMs` without an answer. */
  ping(timeoutMs: number): Promise<void>;
}

export interface SqliteStore extends StoreBase {
  readonly dialect: "sqlite";
  /** The embedded database itself, for what only it does: copying its file (backups), the prepared hot-path insert. */
  readonly sqlite: Db;
  /**
   * Resolves once no store transaction is open or waiting. A writer outside the store (the usage rows' group
   * commit) that finds one open waits for this: on the one connection its rows would otherwise land inside that
   * transaction, and go with it if it rolls back (a dry-run configuration apply).
   */
  settled(): Promise<void>;
}

export interface PostgresStore extends StoreBase {
  readonly dialect: "postgres";
  /**
   * Bun's pool, for what drizzle does not do: LISTEN/NOTIFY, advisory locks, reserved connections. Always the pool,
   * outside any transaction, even on a transaction's store: a statement that belongs in one goes through `rows`.
   */
  readonly pg: BunSQL;
}

export type Store = SqliteStore | PostgresStore;

/** The first row a statement returned (drizzle gives arrays in both dialects). */
export function first<R>(rows: readonly R[]): R | undefined {
  return rows[0];
}

/** The store over an open SQLite database (client.ts `openDatabase`). */
export function sqliteStore(db: Db): SqliteStore {
  const client = db.$client;
  /** Store transactions run one after another: the next BEGINs once the last has committed or rolled back. */
  let queue: Promise<unknown> = Promise.resolve();

  const base = {
    dialect: "sqlite" as const,
    db: db as QueryDb,
    t: sqliteTables,
    sqlite: db,
    where: client.filename,
    rows: async <R>(query: SQL) => db.all(query) as R[],
    // bun:sqlite answers synchronously: there is nothing to time out.
    ping: async () => {
      client.query("select 1").get();
    },
  };

  const settled = async (): Promise<void> => {
    // Transactions queued meanwhile extend the chain: wait until it stops growing.
    for (let last = queue; ; last = queue) {
      await last;
      if (queue === last) return;
    }
  };

  // Inside a transaction, a nested one is the same transaction (SQLite has one writer; savepoints buy nothing here).
  const inside: SqliteStore = { ...base, settled, transaction: (fn) => fn(inside) };

  const store: SqliteStore = {
    ...base,
    settled,
    transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      const run = async (): Promise<T> => {
        client.exec("BEGIN IMMEDIATE");
        try {
          const result = await fn(inside);
          client.exec("COMMIT");
          return result;
        } catch (error) {
          if (client.inTransaction) client.exec("ROLLBACK");
          throw error;
        }
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
  };
  return store;
}
