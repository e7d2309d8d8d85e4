// Per-account cooldowns with capped exponential backoff; per (account, model) where a limit is per model.
import type { Failure } from "./failure.ts";
import type { Profile } from "./profiles.ts";

export interface Cooldown {
  accountId: string;
  /** null: the whole account cools (quota, auth); a model id: only that model does (rate limits). */
  model: string | null;
  until: number;
  reason: string;
  /** Consecutive failures so far: the backoff exponent. */
  failures: number;
}

const key = (accountId: string, model: string | null) => `${accountId}\u0000${model ?? "*"}`;

export class Cooldowns {
  private readonly entries = new Map<string, Cooldown>();

  constructor(private readonly onChange: () => void = () => {}) {}

  /** When this account may serve this model again (0 = now). */
  until(accountId: string, model: string, now = Date.now()): number {
    const all = this.entries.get(key(accountId, null));
    const one = this.entries.get(key(accountId, model));
    const t = Math.max(all && all.until > now ? all.until : 0, one && one.until > now ? one.until : 0);
    return t;
  }

  /** Cool an account (or one of its models) after a failure: the provider's hint, else capped backoff. */
  penalize(accountId: string, model: string | null, failure: Failure, profile: Profile, now = Date.now()): Cooldown {
    const k = key(accountId, model);
    const failures = (this.entries.get(k)?.failures ?? 0) + 1;
    const backoff = Math.min(profile.backoffCapMs, profile.backoffBaseMs * 2 ** (failures - 1));
    const until = Math.max(failure.retryAt ?? 0, now + backoff);
    const entry: Cooldown = { accountId, model, until, reason: `${failure.status} ${failure.kind}: ${failure.message}`.slice(0, 300), failures };
    this.entries.set(k, entry);
    this.onChange();
    return entry;
  }

  /** A success ends the account's and the model's failure streaks. */
  succeeded(accountId: string, model: string): void {
    const changed = this.entries.delete(key(accountId, model)) || this.entries.delete(key(accountId, null));
    if (changed) this.onChange();
  }

  /** Cooldowns still running, soonest first. */
  active(now = Date.now()): Cooldown[] {
    return [...this.entries.values()].filter((c) => c.until > now).sort((a, b) => a.until - b.until);
  }

  /** Every entry, for persistence (expired ones keep their streak until a success). */
  all(): Cooldown[] {
    return [...this.entries.values()];
  }

  restore(entries: Cooldown[]): void {
    for (const e of entries) this.entries.set(key(e.accountId, e.model), e);
  }

  /** Clear all, or those of the given accounts. */
  reset(accountIds?: ReadonlySet<string>): number {
    let n = 0;
    for (const [k, e] of this.entries) {
      if (!accountIds || accountIds.has(e.accountId)) {
        this.entries.delete(k);
        n++;
      }
    }
    if (n) this.onChange();
    return n;
  }
}
