// Applies the PostgreSQL migrations (drizzle/pg/) under a session advisory lock, so instances started together migrate once.
import type { SQL } from "bun";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sql";
import { migrate } from "drizzle-orm/bun-sql/migrator";
import { migrationsFolder } from "../assets.ts";

// Every advisory lock key lives in pg-lock.ts, which loads no driver: the usage upkeep takes its keys from there without
// loading the migrator into a gateway on SQLite.
export { MIGRATION_LOCK_KEY } from "./pg-lock.ts";
import { MIGRATION_LOCK_KEY } from "./pg-lock.ts";

/** Where drizzle's PostgreSQL migrator writes what it applied (its defaults, named so tests and tools can read it). */
export const PG_MIGRATIONS_SCHEMA = "drizzle";
export const PG_MIGRATIONS_TABLE = "__drizzle_migrations";

/** drizzle/pg/ in a checkout; in a compiled binary, the copy `migrationsFolder()` extracts. */
export async function pgMigrationsFolder(): Promise<string> {
  return join(await migrationsFolder(), "pg");
}

export interface PgMigrationResult {
  /** Migrations this call applied (0 when another instance had already, or the schema was current). */
  applied: number;
  /** Migrations recorded in the database afterwards. */
  total: number;
}

/**
 * Brings the database's schema up to this build's, on one connection reserved from `client` that holds
 * `pg_advisory_lock(MIGRATION_LOCK_KEY)` for the whole run: a second instance waits for the first to finish, then
 * finds nothing left to apply. The lock is a session lock, so a crashed instance releases it with its connection.
 * drizzle applies the pending migrations in one transaction: a failure leaves the schema as it was.
 */
export async function migratePostgres(client: SQL, folder?: string): Promise<PgMigrationResult> {
  const migrations = folder ?? (await pgMigrationsFolder());
  const connection = await client.reserve();
  const key = MIGRATION_LOCK_KEY.toString();
  try {
    await connection`select pg_advisory_lock(${key}::bigint)`;
    let result: PgMigrationResult;
    try {
      const before = await recorded(connection);
      await migrate(drizzle({ client: connection }), {
        migrationsFolder: migrations,
        migrationsSchema: PG_MIGRATIONS_SCHEMA,
        migrationsTable: PG_MIGRATIONS_TABLE,
      });
      const total = await recorded(connection);
      result = { applied: total - before, total };
    } catch (error) {
      // The migration's own error is the one to report; a dead connection has dropped the lock anyway.
      await connection`select pg_advisory_unlock(${key}::bigint)`.catch(() => undefined);
      throw new Error(`applying the PostgreSQL migrations failed, none was applied: ${causes(error)}`, { cause: error });
    }
    await connection`select pg_advisory_unlock(${key}::bigint)`;
    return result;
  } finally {
    connection.release();
  }
}

/** drizzle wraps the database's error ("Failed query: ..."); the reason a person can act on is in its cause. */
function causes(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error && parts.length < 4; e = e.cause) parts.push(e.message.replace(/\nparams: $/, "").trim());
  return parts.join(" — ") || String(error);
}

/** How many migrations the database records; 0 before the first run (no table yet). */
async function recorded(connection: SQL): Promise<number> {
  const [table] =
    (await connection`select to_regclass(${`${PG_MIGRATIONS_SCHEMA}.${PG_MIGRATIONS_TABLE}`}) is not null as present`) as Array<{
      present: boolean;
    }>;
  if (!table?.present) return 0;
  const [count] = (await connection.unsafe(`select count(*)::int as n from "${PG_MIGRATIONS_SCHEMA}"."${PG_MIGRATIONS_TABLE}"`)) as Array<{
    n: number;
  }>;
  return count?.n ?? 0;
}
