// Idle keep-alive connections per origin: the most recently used is taken first, the oldest dropped first.
import type { Connection } from "./connection.ts";

/** How long an idle connection is kept when the server does not say (Keep-Alive: timeout=N). */
const DEFAULT_KEEP_ALIVE_MS = 60_000;
/** Idle connections kept per origin: what a burst of concurrent calls opened, within reason. */
const MAX_IDLE_PER_ORIGIN = 256;

const idle = new Map<string, Connection[]>();

/** An idle connection to `key` the server still keeps open, if any. */
export function takeIdle(key: string, now = Date.now()): Connection | undefined {
  const list = idle.get(key);
  while (list?.length) {
    const conn = list.pop()!;
    if (conn.closed) continue;
    if (now - conn.idleSince >= conn.keepAliveMs) {
      conn.destroy();
      continue;
    }
    conn.unpark();
    return conn;
  }
  return undefined;
}

/** Whether an idle connection to `key` is waiting. */
export function hasIdle(key: string): boolean {
  return idle.get(key)?.some((conn) => !conn.closed) ?? false;
}

/** Back to the pool after a complete answer; `keepAlive`: the response's Keep-Alive header, if any. */
export function releaseIdle(conn: Connection, keepAlive: string | undefined, now = Date.now()): void {
  if (conn.closed) return;
  // Let it go a second before the server would, so a request never races the server's own close.
  const serverMs = keepAlive ? Number(/(?:^|,)\s*timeout\s*=\s*(\d+)/i.exec(keepAlive)?.[1] ?? NaN) * 1000 : NaN;
  const keepMs = Number.isFinite(serverMs) ? Math.min(DEFAULT_KEEP_ALIVE_MS, serverMs - 1000) : DEFAULT_KEEP_ALIVE_MS;
  if (keepMs < 1000) return conn.destroy();
  conn.idleSince = now;
  conn.keepAliveMs = keepMs;
  conn.park(Math.ceil(keepMs / 1000));
  let list = idle.get(conn.origin.key);
  if (!list) idle.set(conn.origin.key, (list = []));
  list.push(conn);
  if (list.length > MAX_IDLE_PER_ORIGIN) list.shift()!.destroy();
}

/** Close every idle connection (tests; a process about to exit does not need it: idle sockets are unref'd). */
export function closeIdle(): void {
  for (const list of idle.values()) for (const conn of list.splice(0)) conn.destroy();
  idle.clear();
}
