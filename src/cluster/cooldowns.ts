// Cooldowns shared by every instance: reads stay in a local mirror (no Redis on the request path); each change is
// written through to a Redis hash and published, and the other instances apply it to their mirrors.
import type { AccountCooldowns, Cooldown, MemoryCooldowns } from "../accounts/cooldowns.ts";
import type { Failure } from "../accounts/failure.ts";
import type { Profile } from "../accounts/profiles.ts";
import { LuaScript, UNAVAILABLE, type RedisLink } from "./link.ts";

const CHANNEL = "cooldowns";

type Change =
  | { from: string; op: "set"; entry: Cooldown }
  | { from: string; op: "forget"; accountId: string; model: string | null }
  | { from: string; op: "reset"; accountIds?: string[] };

/** KEYS: the hash. ARGV: field, JSON (empty: delete), channel, message. Write and tell in one step. */
const WRITE = new LuaScript(`
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`);

const field = (accountId: string, model: string | null) => `${accountId}\u0000${model ?? "*"}`;

export class RedisCooldowns implements AccountCooldowns {
  private readonly hash: string;

  constructor(
    private readonly link: RedisLink,
    private readonly mirror: MemoryCooldowns,
  ) {
    this.hash = `${link.prefix}cooldowns`;
    link.subscribe(CHANNEL, (message) => this.heard(message));
    // After a (re)connection: Redis's entries win (this instance missed what was published meanwhile).
    link.onConnect(() => this.load());
  }

  until(accountId: string, model: string, now?: number): number {
    return this.mirror.until(accountId, model, now);
  }

  penalize(accountId: string, model: string | null, failure: Failure, profile: Profile, now?: number): Cooldown {
    const entry = this.mirror.penalize(accountId, model, failure, profile, now);
    this.write(field(accountId, model), entry, { from: this.link.instanceId, op: "set", entry });
    return entry;
  }

  succeeded(accountId: string, model: string, now?: number): void {
    // Nothing to end (the usual case): no Redis call on a success.
    const hadModel = this.mirror.entry(accountId, model) !== undefined;
    const hadWhole = this.mirror.entry(accountId, null) !== undefined;
    if (!hadModel && !hadWhole) return;
    this.mirror.succeeded(accountId, model, now);
    for (const m of [model, null]) {
      if ((m === null ? hadWhole : hadModel) && !this.mirror.entry(accountId, m))
        this.write(field(accountId, m), undefined, { from: this.link.instanceId, op: "forget", accountId, model: m });
    }
  }

  active(now?: number): Cooldown[] {
    return this.mirror.active(now);
  }

  all(): Cooldown[] {
    return this.mirror.all();
  }

  restore(entries: Cooldown[]): void {
    this.mirror.restore(entries);
  }

  reset(accountIds?: ReadonlySet<string>): number {
    const gone = this.mirror.all().filter((e) => !accountIds || accountIds.has(e.accountId));
    const n = this.mirror.reset(accountIds);
    const message = JSON.stringify({ from: this.link.instanceId, op: "reset", accountIds: accountIds && [...accountIds] } satisfies Change);
    void this.link.call(
      async (client) => {
        const fields = accountIds ? gone.map((e) => field(e.accountId, e.model)) : [];
        if (!accountIds) await client.del(this.hash);
        else if (fields.length) await client.send("HDEL", [this.hash, ...fields]);
        return client.publish(this.link.prefix + CHANNEL, message);
      },
      { background: true },
    );
    return n;
  }

  private write(name: string, entry: Cooldown | undefined, change: Change): void {
    void this.link.eval(
      WRITE,
      [this.hash],
      [name, entry ? JSON.stringify(entry) : "", this.link.prefix + CHANNEL, JSON.stringify(change)],
      {
        background: true,
      },
    );
  }

  private heard(message: string): void {
    const change = JSON.parse(message) as Change;
    if (change.from === this.link.instanceId) return;
    switch (change.op) {
      case "set":
        this.mirror.restore([change.entry]);
        break;
      case "forget":
        this.mirror.forget(change.accountId, change.model);
        break;
      case "reset":
        this.mirror.reset(change.accountIds ? new Set(change.accountIds) : undefined);
        break;
      default: {
        const unreachable: never = change;
        throw new Error(`unknown cooldown change ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private async load(): Promise<void> {
    const all = await this.link.call((client) => client.hgetall(this.hash));
    if (all === UNAVAILABLE) return;
    this.mirror.restore(Object.values(all).map((json) => JSON.parse(json) as Cooldown));
  }
}
