// Work that one instance at a time does when several share a PostgreSQL database: a session advisory lock taken without waiting.
import type { SQL as BunSQL } from "bun";

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
