// Per-account limits (rpm, minimum interval, concurrency) shared by every instance: one Lua script checks and takes a
// place atomically on Redis's clock; slots are leases an instance renews, so a killed instance frees its places.
import { MemoryAccountLimiter, type AccountLimiter, type AccountSlot, type Admission } from "../accounts/limits.ts";
import type { Limits } from "../accounts/profiles.ts";
import type { Leases } from "./leases.ts";
import { LuaScript, UNAVAILABLE, type RedisLink } from "./link.ts";

/** KEYS: starts (zset), slots (zset of slot -> lease end), last start. ARGV: rpm, interval, max concurrent, slot id, lease. */
const ACQUIRE = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rpm, interval, maxc, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local inflight = redis.call('ZCARD', KEYS[2])
local forever = maxc > 0 and inflight >= maxc
local wait = 0
if interval > 0 then
  local last = tonumber(redis.call('GET', KEYS[3]) or '0')
  wait = math.max(wait, last + interval - now)
end
if rpm > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
  if redis.call('ZCARD', KEYS[1]) >= rpm then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + 60000 - now)
  end
end
if forever then return {0, -1, inflight} end
if wait > 0 then return {0, wait, inflight} end
redis.call('ZADD', KEYS[2], now + lease, ARGV[4])
redis.call('PEXPIRE', KEYS[2], lease * 2)
redis.call('SET', KEYS[3], now, 'PX', math.max(interval, 1000))
if rpm > 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], 60000)
end
return {1, 0, inflight + 1}
`);

/** KEYS: slots. ARGV: slot id, lease. Pushes the slot's end out, if it is still held. */
const RENEW = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1])
`);

export class RedisAccountLimiter implements AccountLimiter {
  /** While Redis is away: this instance's own limits. */
  private readonly local = new MemoryAccountLimiter();
  /** Calls in flight per account across the cluster, as Redis last said (strategies only prefer the less busy). */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly link: RedisLink,
    private readonly leases: Leases,
  ) {}

  async tryAcquire(accountId: string, limits: Limits, now = Date.now()): Promise<Admission> {
    if (!limits.rpm && !limits.minIntervalMs && !limits.maxConcurrent) return this.local.tryAcquire(accountId, limits, now);
    const keys = this.keys(accountId);
    const slotId = crypto.randomUUID();
    const reply = await this.link.eval(ACQUIRE, keys, [limits.rpm, limits.minIntervalMs, limits.maxConcurrent, slotId, this.leases.ms]);
    if (reply === UNAVAILABLE) return this.local.tryAcquire(accountId, limits, now);
    const [taken, wait, inflight] = reply as [number, number, number];
    this.seen.set(accountId, inflight);
    if (!taken) return { waitMs: wait < 0 ? Number.POSITIVE_INFINITY : wait };
    return { slot: this.slot(accountId, keys[1]!, slotId) };
  }

  inFlight(accountId: string): number {
    return Math.max(this.seen.get(accountId) ?? 0, this.local.inFlight(accountId));
  }

  private slot(accountId: string, slotsKey: string, slotId: string): AccountSlot {
    const { link, leases, seen } = this;
    leases.keep(slotId, () => link.eval(RENEW, [slotsKey], [slotId, leases.ms], { background: true }));
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        leases.drop(slotId);
        seen.set(accountId, Math.max(0, (seen.get(accountId) ?? 1) - 1));
        // Not awaited: the answer is on its way. Should Redis be away, the lease lapses on its own.
        void link.call((client) => client.send("ZREM", [slotsKey, slotId]), { background: true });
      },
    };
  }

  private keys(accountId: string): string[] {
    const base = `${this.link.prefix}limit:${accountId}`;
    return [`${base}:starts`, `${base}:slots`, `${base}:last`];
  }
}
