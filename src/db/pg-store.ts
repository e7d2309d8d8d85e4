// The store on PostgreSQL (DATABASE_URL): Bun's built-in pool, drizzle's pg-core over pg-schema.ts, migrated under an advisory lock at open.
import { SQL as BunSQL } from "bun";
import type { SQL } from "drizzle-orm";
import { drizzle, type BunSQLDatabase } from "drizzle-orm/bun-sql";
import { migratePostgres, type PgMigrationResult } from "./pg-migrate.ts";
import * as pgTables from "./pg-schema.ts";
import type { PostgresStore, QueryDb, Store, Tables } from "./store.ts";

/** Connections per instance unless DATABASE_POOL_MAX says otherwise: enough for the usage writer, the views and a transaction at once. */
export const DEFAULT_POOL_MAX = 10;

export interface PostgresOptions {
  /** The most connections this instance opens (Bun's pool). */
  poolMax?: number;
  /** Seconds to wait for a connection before a query fails (the store is down: /readyz says so). */
  connectTimeoutS?: number;
}

/** host:port/database of a postgres:// URL, for logs and health (user and password left out). */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname || "/"}`;
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}

/** Opens the pool and brings the schema up to this build's (once across instances started together). */
export async function openPostgresStore(
  url: string,
  opts: PostgresOptions = {},
): Promise<{ store: PostgresStore; migrations: PgMigrationResult }> {
  const pool = new BunSQL(url, { max: opts.poolMax ?? DEFAULT_POOL_MAX, connectionTimeout: opts.connectTimeoutS ?? 10 });
  try {
    const migrations = await migratePostgres(pool);
    return { store: postgresStore(pool, drizzle({ client: pool, schema: pgTables }), describePostgresUrl(url)), migrations };
  } catch (error) {
    await pool.close().catch(() => undefined);
    throw error;
  }
}

type PgDb = BunSQLDatabase<typeof pgTables>;

/**
 * The store over a drizzle pg database (the pool's, or a transaction's). Its `db` is typed as SQLite's builder
 * (see `QueryDb`): the calls queries make have the same shape on pg-core, and pg-schema.ts's tables stand in
 * for schema.ts's under the same names.
 */
function postgresStore(pool: BunSQL, db: PgDb, where: string, inTransaction = false): PostgresStore {
  const store: PostgresStore = {
    dialect: "postgres",
    db: db as unknown as QueryDb,
    t: pgTables as unknown as Tables,
    pg: pool,
    where,
    rows: async <R>(query: SQL) => (await db.execute(query)) as unknown as R[],
    async ping(timeoutMs) {
      let timer: Timer | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([pool`select 1`, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      if (inTransaction) return fn(store);
      return db.transaction((tx) => fn(postgresStore(pool, tx as unknown as PgDb, where, true)));
    },
  };
  return store;
}

/** Closes the pool: queries in flight finish first, for at most `timeoutS`. */
export async function closePostgresStore(store: PostgresStore, timeoutS = 5): Promise<void> {
  await store.pg.close({ timeout: timeoutS });
}
