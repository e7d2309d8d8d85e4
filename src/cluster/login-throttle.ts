// Login throttling shared by every instance: failures per address and across all addresses are counted in Redis
// (one Lua script counts each attempt before its password is checked), so an attacker cannot multiply their tries by
// the number of instances. How many checks run at once stays per process: it bounds this process's memory.
import {
  createLoginThrottle,
  GLOBAL_MAX_FAILURES,
  GLOBAL_WINDOW_MS,
  MAX_CONCURRENT_CHECKS,
  MAX_FAILURES,
  WINDOW_MS,
  type LoginThrottle,
} from "../auth/login-throttle.ts";
import { LuaScript, UNAVAILABLE, type RedisLink } from "./link.ts";

/**
 * KEYS: the address's attempts, everyone's (zsets, scored by time). ARGV: windows, maxima, attempt id.
 * Refused: {0, "address" | "global", ms to wait}. Counted: {1, "ok", when the address is locked out should it fail (0: not)}.
 */
const BEGIN = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ipw, gw, maxip, maxg = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ipw)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - gw)
local mine = redis.call('ZCARD', KEYS[1])
if mine >= maxip then
  local at = redis.call('ZRANGE', KEYS[1], mine - maxip, mine - maxip, 'WITHSCORES')
  return {0, 'address', tonumber(at[2]) + ipw - now}
end
local all = redis.call('ZCARD', KEYS[2])
if all >= maxg then
  local at = redis.call('ZRANGE', KEYS[2], all - maxg, all - maxg, 'WITHSCORES')
  return {0, 'global', tonumber(at[2]) + gw - now}
end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], ipw)
redis.call('ZADD', KEYS[2], now, ARGV[5])
redis.call('PEXPIRE', KEYS[2], gw)
if mine + 1 < maxip then return {1, 'ok', 0} end
local first = redis.call('ZRANGE', KEYS[1], mine + 1 - maxip, mine + 1 - maxip, 'WITHSCORES')
return {1, 'ok', tonumber(first[2]) + ipw}
`);

export function createRedisLoginThrottle(link: RedisLink): LoginThrottle {
  /** While Redis is away: this instance's own counts. */
  const local = createLoginThrottle();
  /** Addresses this instance saw locked out (for /api/health): ip -> until. */
  const lockedOut = new Map<string, number>();
  let checking = 0;
  const globalKey = `${link.prefix}login:all`;
  const addressKey = (ip: string) => `${link.prefix}login:ip:${ip}`;

  return {
    async begin(ip) {
      if (checking >= MAX_CONCURRENT_CHECKS) return { allowed: false, reason: "busy", retryAfter: 1 };
      const id = crypto.randomUUID();
      const args = [WINDOW_MS, GLOBAL_WINDOW_MS, MAX_FAILURES, GLOBAL_MAX_FAILURES, id];
      const reply = await link.eval(BEGIN, [addressKey(ip), globalKey], args);
      if (reply === UNAVAILABLE) return local.begin(ip);
      const [counted, reason, ms] = reply as [number, "ok" | "address" | "global", number];
      if (!counted) {
        if (reason === "address") lockedOut.set(ip, Date.now() + ms);
        return { allowed: false, reason: reason === "address" ? "address" : "global", retryAfter: Math.max(1, Math.ceil(ms / 1000)) };
      }
      checking++;
      let settled = false;
      const settle = () => {
        if (settled) return false;
        settled = true;
        checking--;
        return true;
      };
      return {
        allowed: true,
        attempt: {
          succeeded() {
            if (!settle()) return;
            lockedOut.delete(ip);
            void link.call(
              async (client) => {
                await client.del(addressKey(ip));
                return client.send("ZREM", [globalKey, id]);
              },
              { background: true },
            );
          },
          failed() {
            if (settle() && ms > 0) lockedOut.set(ip, ms);
          },
        },
      };
    },
    lockouts(now = Date.now()) {
      const out: Array<{ ip: string; until: number }> = [];
      for (const [ip, until] of lockedOut) {
        if (until > now) out.push({ ip, until });
        else lockedOut.delete(ip);
      }
      return [...out, ...local.lockouts(now).filter((l) => !lockedOut.has(l.ip))];
    },
  };
}
