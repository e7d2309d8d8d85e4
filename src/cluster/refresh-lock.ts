// One OAuth refresh per account across every instance: a Redis lock (SET NX with a timeout, released only by its
// holder) around the refresh; an instance that finds it taken waits for the release (told by pub/sub, polled as a
// backstop, never longer than the timeout) and then reads the refreshed credentials back.
import type { RefreshLock } from "../providers/oauth/tokens.ts";
import { LuaScript, UNAVAILABLE, type RedisLink } from "./link.ts";

/** Longest a refresh may hold the lock (a token endpoint slower than this is timed out by the flow itself). */
export const REFRESH_LOCK_MS = 30_000;
const CHANNEL = "oauth-refreshed";
const POLL_MS = 250;

/** KEYS: the lock. ARGV: holder token, channel, account id. Frees it only for its holder, and says so. */
const UNLOCK = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`);

export function createRedisRefreshLock(link: RedisLink, lockMs = REFRESH_LOCK_MS): RefreshLock {
  const waiting = new Map<string, Set<() => void>>();
  link.subscribe(CHANNEL, (accountId) => {
    for (const wake of [...(waiting.get(accountId) ?? [])]) wake();
  });
  const lockKey = (accountId: string) => `${link.prefix}oauth-refresh:${accountId}`;

  /** Resolves once the lock is free (or Redis is away, or after the lock's timeout). */
  const released = (accountId: string) =>
    new Promise<void>((resolve) => {
      const list = waiting.get(accountId) ?? new Set<() => void>();
      waiting.set(accountId, list);
      const deadline = Date.now() + lockMs;
      const done = () => {
        clearInterval(timer);
        list.delete(done);
        if (!list.size) waiting.delete(accountId);
        resolve();
      };
      const look = async () => {
        const held = await link.call((client) => client.exists(lockKey(accountId)));
        if (held !== true || Date.now() > deadline) done();
      };
      list.add(done);
      const timer = setInterval(look, POLL_MS);
    });

  return {
    async exclusive(accountId, refresh, afterOther) {
      const token = crypto.randomUUID();
      const key = lockKey(accountId);
      const taken = await link.call((client) => client.set(key, token, "NX", "PX", String(lockMs)));
      // Redis away: this instance refreshes on its own (the in-process single flight still holds).
      if (taken === UNAVAILABLE) return refresh();
      if (taken === null) {
        await released(accountId);
        return afterOther();
      }
      try {
        return await refresh();
      } finally {
        void link.eval(UNLOCK, [key], [token, link.prefix + CHANNEL, accountId], { background: true });
      }
    },
  };
}
