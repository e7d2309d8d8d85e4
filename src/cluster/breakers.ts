// Circuit breakers shared by every instance: a closed breaker is read from a local mirror (no Redis on the request
// path); failures, the single half-open probe across the cluster and closing go through Lua scripts on one Redis
// hash, and each new state is published to the other instances' mirrors.
import type { BreakerDecision, BreakerState, CircuitBreakers, MemoryBreakers } from "../accounts/breaker.ts";
import type { Profile } from "../accounts/profiles.ts";
import { LEASE_MS } from "./leases.ts";
import { LuaScript, UNAVAILABLE, type RedisLink } from "./link.ts";

const CHANNEL = "breakers";

type Change = { from: string; op: "set"; state: BreakerState } | { from: string; op: "reset"; provider?: string };

/** Shared by the scripts: read the provider's state (KEYS[1] hash, ARGV[1] provider), and write-and-publish it. */
const PRELUDE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local s = raw and cjson.decode(raw) or {provider = ARGV[1], phase = 'closed', failures = 0, openUntil = 0, trips = 0, probeInFlight = false, probeUntil = 0}
local function save(from)
  local json = cjson.encode(s)
  redis.call('HSET', KEYS[1], ARGV[1], json)
  redis.call('PUBLISH', KEYS[2], '{"from":"' .. from .. '","op":"set","state":' .. json .. '}')
  return json
end
`;

/** ARGV: provider, now, from, probe lease. The single probe across the cluster: "allow", "deny" or "probe", and the state. */
const CHECK = new LuaScript(`${PRELUDE}
local now = tonumber(ARGV[2])
if s.phase == 'closed' then return {'allow', raw or ''} end
if s.phase == 'open' then
  if now < s.openUntil then return {'deny', raw} end
  s.phase = 'half_open'
  s.probeInFlight = false
end
if s.probeInFlight and (s.probeUntil or 0) > now then return {'deny', raw} end
s.probeInFlight = true
s.probeUntil = now + tonumber(ARGV[4])
return {'probe', save(ARGV[3])}
`);

/** ARGV: provider, now, from, threshold, cooldown, backoff cap. A failure counted across the cluster; opens at the threshold. */
const FAILED = new LuaScript(`${PRELUDE}
local now, threshold, cooldown, cap = tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
s.failures = s.failures + 1
if s.phase == 'half_open' or (s.phase == 'open' and now >= s.openUntil) or s.failures >= threshold then
  s.trips = s.trips + 1
  s.phase = 'open'
  s.probeInFlight = false
  s.openUntil = now + math.min(math.max(cap, cooldown), cooldown * 2 ^ (s.trips - 1))
end
return save(ARGV[3])
`);

/** ARGV: provider, now, from, "close" | "release". A success closes it; a probe without a verdict frees the probe. */
const SETTLE = new LuaScript(`${PRELUDE}
if ARGV[4] == 'close' then
  if not raw then return '' end
  redis.call('HDEL', KEYS[1], ARGV[1])
  s = {provider = ARGV[1], phase = 'closed', failures = 0, openUntil = 0, trips = 0, probeInFlight = false}
  redis.call('PUBLISH', KEYS[2], '{"from":"' .. ARGV[3] .. '","op":"set","state":' .. cjson.encode(s) .. '}')
  return ''
end
if not s.probeInFlight then return raw or '' end
s.probeInFlight = false
return save(ARGV[3])
`);

export class RedisBreakers implements CircuitBreakers {
  private readonly hash: string;
  private readonly channel: string;

  constructor(
    private readonly link: RedisLink,
    private readonly mirror: MemoryBreakers,
  ) {
    this.hash = `${link.prefix}breakers`;
    this.channel = link.prefix + CHANNEL;
    link.subscribe(CHANNEL, (message) => this.heard(message));
    link.onConnect(() => this.load());
  }

  async check(provider: string, now = Date.now()): Promise<BreakerDecision> {
    const s = this.mirror.peek(provider);
    // Closed, or open and still waiting: known here, no Redis call.
    if (!s || s.phase === "closed") return "allow";
    if (s.phase === "open" && now < s.openUntil) return "deny";
    const reply = await this.link.eval(CHECK, [this.hash, this.channel], [provider, now, this.link.instanceId, LEASE_MS]);
    if (reply === UNAVAILABLE) return this.mirror.check(provider, now);
    const [decision, json] = reply as [BreakerDecision, string];
    this.apply(provider, json);
    return decision;
  }

  succeeded(provider: string): void {
    const s = this.mirror.peek(provider);
    if (!s || (s.phase === "closed" && s.failures === 0)) return;
    this.mirror.succeeded(provider);
    void this.link.eval(SETTLE, [this.hash, this.channel], [provider, Date.now(), this.link.instanceId, "close"], { background: true });
  }

  failed(provider: string, profile: Profile, now = Date.now()): void {
    this.mirror.failed(provider, profile, now);
    const args = [provider, now, this.link.instanceId, profile.failureThreshold, profile.breakerCooldownMs, profile.backoffCapMs];
    void this.link.eval(FAILED, [this.hash, this.channel], args, { background: true }).then((json) => {
      if (json !== UNAVAILABLE) this.apply(provider, json as string);
    });
  }

  releaseProbe(provider: string): void {
    const s = this.mirror.peek(provider);
    if (!s || s.phase === "closed") return;
    this.mirror.releaseProbe(provider);
    void this.link.eval(SETTLE, [this.hash, this.channel], [provider, Date.now(), this.link.instanceId, "release"], { background: true });
  }

  list(now?: number): BreakerState[] {
    return this.mirror.list(now);
  }

  all(): BreakerState[] {
    return this.mirror.all();
  }

  restore(states: BreakerState[]): void {
    this.mirror.restore(states);
  }

  reset(provider?: string): number {
    const n = this.mirror.reset(provider);
    const message = JSON.stringify({ from: this.link.instanceId, op: "reset", provider } satisfies Change);
    void this.link.call(
      async (client) => {
        if (provider) await client.send("HDEL", [this.hash, provider]);
        else await client.del(this.hash);
        return client.publish(this.channel, message);
      },
      { background: true },
    );
    return n;
  }

  /** The state Redis holds now (JSON from a script; empty: closed) replaces the mirror's. */
  private apply(provider: string, json: string): void {
    if (!json) {
      if (this.mirror.peek(provider)) this.mirror.restore([closed(provider)]);
      return;
    }
    this.mirror.restore([fromRedis(JSON.parse(json))]);
  }

  private heard(message: string): void {
    const change = JSON.parse(message) as Change;
    if (change.from === this.link.instanceId) return;
    switch (change.op) {
      case "set":
        this.mirror.restore([fromRedis(change.state)]);
        break;
      case "reset":
        this.mirror.reset(change.provider);
        break;
      default: {
        const unreachable: never = change;
        throw new Error(`unknown breaker change ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private async load(): Promise<void> {
    const all = await this.link.call((client) => client.hgetall(this.hash));
    if (all === UNAVAILABLE) return;
    const states = Object.values(all).map((json) => fromRedis(JSON.parse(json)));
    const known = new Set(states.map((s) => s.provider));
    // Closed meanwhile elsewhere (no longer in Redis): closed here too.
    for (const s of this.mirror.all()) if (!known.has(s.provider) && s.phase !== "closed") states.push(closed(s.provider));
    this.mirror.restore(states);
  }
}

const closed = (provider: string): BreakerState => ({
  provider,
  phase: "closed",
  failures: 0,
  openUntil: 0,
  trips: 0,
  probeInFlight: false,
});

/** A state as the script stored it (cjson turns an empty table into {} and keeps an extra probeUntil). */
function fromRedis(s: BreakerState & { probeUntil?: number }): BreakerState {
  return {
    provider: s.provider,
    phase: s.phase,
    failures: s.failures,
    openUntil: s.openUntil,
    trips: s.trips,
    probeInFlight: s.probeInFlight === true,
  };
}
