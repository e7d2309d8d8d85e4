// Advisory locks on a shared PostgreSQL: every key OmniRoute takes, and work one instance at a time does (a lock taken without waiting).
import type { SQL as BunSQL } from "bun";

/**
 * The keys are all here so no two collide.
 *
 * The key of the advisory lock every OmniRoute instance takes around its migrations: fixed, so all instances on
 * one database contend for the same lock ("OmniRout" in ASCII, a bigint as pg_advisory_lock takes).
 */
export const MIGRATION_LOCK_KEY = 0x4f6d6e69526f7574n;

/**
 * The key of the lock a round of usage upkeep (rollups, retention) runs under, taken with `pg_try_advisory_lock`:
 * when several instances share a database one runs the round and the others skip it.
 */
export const USAGE_UPKEEP_LOCK_KEY = MIGRATION_LOCK_KEY + 1n;

/** The key each rollup transaction takes (`pg_advisory_xact_lock`): two folds never read the same watermark. */
export const USAGE_FOLD_LOCK_KEY = MIGRATION_LOCK_KEY + 2n;

/**
 * The key a database import holds from its pre-import backup to its commit (`pg_advisory_lock`, waiting): two imports
 * started on two instances run one after the other, never interleaved.
 */
export const IMPORT_LOCK_KEY = MIGRATION_LOCK_KEY + 3n;

/**
 * Runs `fn` while this instance holds `pg_try_advisory_lock(key)` on a connection reserved for it; when another
 * instance holds the lock, skips `fn` at once (`ran: false`). The lock is the session's: an instance killed meanwhile
 * drops it with its connection, and the next round elsewhere takes it.
 */
export async function whileLocked<T>(pool: BunSQL, key: bigint, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  const connection = await pool.reserve();
  try {
    const [row] = (await connection`select pg_try_advisory_lock(${key.toString()}::bigint) as locked`) as Array<{ locked: boolean }>;
    if (!row?.locked) return { ran: false };
    try {
      return { ran: true, value: await fn() };
    } finally {
      await connection`select pg_advisory_unlock(${key.toString()}::bigint)`.catch(() => undefined);
    }
  } finally {
    connection.release();
  }
}

/**
 * Runs `fn` while this instance holds `pg_advisory_lock(key)` on a connection reserved for it, waiting while another
 * holds it. The lock is the session's: an instance killed meanwhile drops it with its connection.
 */
export async function whileLockedWaiting<T>(pool: BunSQL, key: bigint, fn: () => Promise<T>): Promise<T> {
  const connection = await pool.reserve();
  try {
    await connection`select pg_advisory_lock(${key.toString()}::bigint)`;
    try {
      return await fn();
    } finally {
      await connection`select pg_advisory_unlock(${key.toString()}::bigint)`.catch(() => undefined);
    }
  } finally {
    connection.release();
  }
}
