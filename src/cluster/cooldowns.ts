// Cooldowns shared by every instance: reads stay in a local mirror (no Redis on the request path); each change is
// written through to a Redis hash and published, and the other instances apply it to their mirrors. A change made
// while Redis was away is kept and sent when it returns: what this instance learned alone reaches the others.
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
  /**
   * The fields whose last write found Redis away (by name: their account and model, and whether that write ended a
   * cooldown). When it returns, this instance's state of each is sent ahead of Redis's entries.
   */
  private readonly unsent = new Map<string, { accountId: string; model: string | null; ended: boolean }>();
  /** A reset made while Redis was away (undefined accountIds: all of them), done again on Redis when it returns. */
  private unsentReset: { accountIds?: Set<string> } | undefined;

  constructor(
    private readonly link: RedisLink,
    private readonly mirror: MemoryCooldowns,
  ) {
    this.hash = `${link.prefix}cooldowns`;
    link.subscribe(CHANNEL, (message) => this.heard(message));
    // After a (re)connection: what this instance changed while Redis was away goes first, then Redis's entries win
    // for the rest (this instance missed what was published meanwhile).
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
    const n = this.mirror.reset(accountIds);
    // A reset covers what this instance had not sent yet.
    for (const [name, { accountId }] of this.unsent) if (!accountIds || accountIds.has(accountId)) this.unsent.delete(name);
    void this.sendReset(accountIds).then((sent) => sent || this.keepReset(accountIds));
    return n;
  }

  /** A reset kept for Redis's return: a reset of everything covers any other; resets of some accounts add up. */
  private keepReset(accountIds?: ReadonlySet<string>): void {
    if (!accountIds || (this.unsentReset && !this.unsentReset.accountIds)) this.unsentReset = {};
    else this.unsentReset = { accountIds: new Set([...(this.unsentReset?.accountIds ?? []), ...accountIds]) };
  }

  /** Clears the hash (or these accounts' fields) and tells the others; false when Redis is away. */
  private async sendReset(accountIds?: ReadonlySet<string>): Promise<boolean> {
    const message = JSON.stringify({ from: this.link.instanceId, op: "reset", accountIds: accountIds && [...accountIds] } satisfies Change);
    const result = await this.link.call(
      async (client) => {
        if (!accountIds) await client.del(this.hash);
        else {
          // Every field of these accounts in Redis, also those this instance never had.
          const fields = (await client.hkeys(this.hash)).filter((name) => accountIds.has(name.slice(0, name.indexOf("\u0000"))));
          if (fields.length) await client.send("HDEL", [this.hash, ...fields]);
        }
        return client.publish(this.link.prefix + CHANNEL, message);
      },
      { background: true },
    );
    return result !== UNAVAILABLE;
  }

  private write(name: string, entry: Cooldown | undefined, change: Change): void {
    void this.link
      .eval(WRITE, [this.hash], [name, entry ? JSON.stringify(entry) : "", this.link.prefix + CHANNEL, JSON.stringify(change)], {
        background: true,
      })
      .then((result) => {
        // Which field, not what: what is sent when Redis returns is the mirror's state then.
        if (result !== UNAVAILABLE || change.op === "reset") return;
        const { accountId, model } = change.op === "set" ? change.entry : change;
        this.unsent.set(name, { accountId, model, ended: change.op === "forget" });
      });
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
    const reset = this.unsentReset;
    if (reset) {
      this.unsentReset = undefined;
      if (!(await this.sendReset(reset.accountIds))) {
        this.keepReset(reset.accountIds);
        return;
      }
    }
    const all = await this.link.call((client) => client.hgetall(this.hash));
    if (all === UNAVAILABLE) return;
    // Fields this instance changed while Redis was away keep its own version; Redis's entries win for the rest.
    const unsent = [...this.unsent];
    this.unsent.clear();
    const pending = new Set(unsent.map(([name]) => name));
    this.mirror.restore(
      Object.entries(all)
        .filter(([name]) => !pending.has(name))
        .map(([, json]) => JSON.parse(json) as Cooldown),
    );
    const now = Date.now();
    for (const [name, { accountId, model, ended }] of unsent) {
      const entry = this.mirror.entry(accountId, model);
      const from = this.link.instanceId;
      // A cooldown still running is told; one this instance's success ended is ended everywhere; one that merely ran
      // out meanwhile says nothing (another instance may have set a newer one).
      if (entry && entry.until > now) this.write(name, entry, { from, op: "set", entry });
      else if (ended && !entry) this.write(name, undefined, { from, op: "forget", accountId, model });
    }
  }
}
