// Budget holds shared by every instance: one Lua script decides each hold against what every instance's calls in
// flight hold, so a burst spread over the cluster overshoots a limit by one call at most, as on one instance. Holds
// are leases (a killed instance's lapse); a release is published so waiting calls on any instance look again. A settle
// (a release once the call's usage row is committed) is also counted per instance, and each hold answers what the
// others settled, so a budget on PostgreSQL reads its spend again after another instance's call is in the tables.
import { createMemoryBudgetHolds, type BudgetHold, type BudgetHolds } from "../usage/budget-holds.ts";
import type { Leases } from "./leases.ts";
import { LuaScript, UNAVAILABLE, type RedisLink } from "./link.ts";

const CHANNEL = "budget-released";
/** Longest a waiting call goes without asking Redis again (a release may have been published just before it listened). */
const LOOK_AGAIN_MS = 1_000;

/**
 * KEYS: amounts (hash hold -> USD), leases (zset hold -> end), capped (the hold that took "what was left"), settled
 * (hash instance -> settles, and ".epoch", made anew with the hash). ARGV: estimate (-1: unknown), room, hold id,
 * lease, instance id. Returns {amount or "", total held after, "epoch:settles by the other instances"}.
 */
const HOLD = new LuaScript(`
local all = redis.call('HGETALL', KEYS[4])
local epoch, others = '', 0
for i = 1, #all, 2 do
  if all[i] == '.epoch' then epoch = all[i + 1]
  elseif all[i] ~= ARGV[5] then others = others + tonumber(all[i + 1]) end
end
local settled = epoch .. ':' .. others
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, id in ipairs(lapsed) do redis.call('HDEL', KEYS[1], id) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local capped = redis.call('GET', KEYS[3])
if capped and redis.call('HEXISTS', KEYS[1], capped) == 0 then redis.call('DEL', KEYS[3]); capped = false end
local total = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
local estimate, room, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4])
local free = room - total
local amount
if estimate >= 0 and estimate <= free then amount = estimate
elseif free > 1e-12 and not capped then
  amount = free
  redis.call('SET', KEYS[3], ARGV[3], 'PX', lease * 2)
else return {'', string.format('%.17g', total), settled} end
redis.call('HSET', KEYS[1], ARGV[3], string.format('%.17g', amount))
redis.call('ZADD', KEYS[2], now + lease, ARGV[3])
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], lease * 2) end
return {string.format('%.17g', amount), string.format('%.17g', total + amount), settled}
`);

/** KEYS: amounts, leases, capped, settled. ARGV: hold id, channel, key id, instance id ("": nothing spent), lease. */
const RELEASE = new LuaScript(`
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
if ARGV[4] ~= '' then
  redis.call('HSETNX', KEYS[4], '.epoch', ARGV[1])
  redis.call('HINCRBY', KEYS[4], ARGV[4], 1)
  redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[5]) * 2)
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`);

/** KEYS: amounts, leases. ARGV: hold id, lease. */
const RENEW = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, 2 do redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2]) * 2) end
return redis.call('ZADD', KEYS[2], 'XX', now + tonumber(ARGV[2]), ARGV[1])
`);

export function createRedisBudgetHolds(link: RedisLink, leases: Leases): BudgetHolds {
  /** While Redis is away: this instance's own holds. */
  const local = createMemoryBudgetHolds();
  /** USD held per key across the cluster, as Redis last said. */
  const seen = new Map<string, number>();
  /** Per key, what the other instances settled, as Redis last said. */
  const settledSeen = new Map<string, string>();
  const waiters = new Map<string, Set<() => void>>();
  const channel = link.prefix + CHANNEL;
  const keysOf = (keyId: string) => {
    const base = `${link.prefix}budget:${keyId}`;
    return [`${base}:amounts`, `${base}:leases`, `${base}:capped`, `${base}:settled`];
  };
  const wakeHere = (keyId: string) => {
    const list = waiters.get(keyId);
    if (!list) return;
    waiters.delete(keyId);
    for (const w of list) w();
  };
  link.subscribe(CHANNEL, (keyId) => wakeHere(keyId));

  return {
    async hold(keyId, estimate, room) {
      const keys = keysOf(keyId);
      const id = crypto.randomUUID();
      const args = [Number.isFinite(estimate) ? estimate : -1, room, id, leases.ms, link.instanceId];
      const reply = await link.eval(HOLD, keys, args);
      if (reply === UNAVAILABLE) return local.hold(keyId, estimate, room);
      const [amount, total, settled] = reply as [string, string, string];
      seen.set(keyId, Number(total));
      settledSeen.set(keyId, settled);
      if (amount === "") return undefined;
      leases.keep(id, () => link.eval(RENEW, keys, [id, leases.ms], { background: true }));
      let done = false;
      const giveBack = (spent: boolean) => {
        if (done) return;
        done = true;
        leases.drop(id);
        seen.set(keyId, Math.max(0, (seen.get(keyId) ?? 0) - hold.amount));
        wakeHere(keyId);
        const args = [id, channel, keyId, spent ? link.instanceId : "", leases.ms];
        void link.eval(RELEASE, keys, args, { background: true });
      };
      const hold: BudgetHold = { amount: Number(amount), release: () => giveBack(false), settle: () => giveBack(true) };
      return hold;
    },
    released(keyId, ms) {
      // A release on any instance (heard on the channel), a local one, or a hold here while Redis was away.
      const mine = local.released(keyId, Math.min(ms, LOOK_AGAIN_MS));
      return new Promise<boolean>((resolve) => {
        let settled = false;
        const finish = (v: boolean) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          waiters.get(keyId)?.delete(onRelease);
          resolve(v);
        };
        const onRelease = () => finish(true);
        // A release published between this call's refused hold and now is not heard again: look again after a while.
        const timer = setTimeout(() => finish(ms > LOOK_AGAIN_MS), Math.min(ms, LOOK_AGAIN_MS));
        const list = waiters.get(keyId) ?? new Set();
        list.add(onRelease);
        waiters.set(keyId, list);
        void mine.then((woke) => woke && finish(true));
      });
    },
    wake(keyId) {
      local.wake(keyId);
      wakeHere(keyId);
      link.publish(CHANNEL, keyId);
    },
    held(keyId) {
      return Math.max(seen.get(keyId) ?? 0, local.held(keyId));
    },
    settled(keyId) {
      return settledSeen.get(keyId) ?? "";
    },
    forget(keyId) {
      local.forget(keyId);
      seen.delete(keyId);
      settledSeen.delete(keyId);
      wakeHere(keyId);
      void link.call(
        async (client) => {
          await client.del(...keysOf(keyId));
          return client.publish(channel, keyId);
        },
        { background: true },
      );
    },
  };
}
