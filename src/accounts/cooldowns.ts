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
  /** A used-up quota window: a success elsewhere (a call already in flight) does not end it before its reset. */
  quota?: boolean;
}

const key = (accountId: string, model: string | null) => `${accountId}\u0000${model ?? "*"}`;

/**
 * Cooldowns are hot state: one in memory here, a shared one when several instances run. Reads stay synchronous
 * (the pipeline reads them for every account it considers); a shared store keeps a local mirror for them.
 */
export interface AccountCooldowns {
  /** When this account may serve this model again (0 = now). */
  until(accountId: string, model: string, now?: number): number;
  /** Cool an account (or one of its models) after a failure: the provider's hint, else capped backoff. */
  penalize(accountId: string, model: string | null, failure: Failure, profile: Profile, now?: number): Cooldown;
  /** A success ends the account's and the model's failure streaks (a used-up quota lasts until its window resets). */
  succeeded(accountId: string, model: string, now?: number): void;
  /** Cooldowns still running, soonest first. */
  active(now?: number): Cooldown[];
  /** Every entry, for persistence (expired ones keep their streak until a success). */
  all(): Cooldown[];
  restore(entries: Cooldown[]): void;
  /** Clear all, or those of the given accounts. */
  reset(accountIds?: ReadonlySet<string>): number;
}

export class MemoryCooldowns implements AccountCooldowns {
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
    const previous = this.entries.get(k);
    const failures = (previous?.failures ?? 0) + 1;
    // Rate-limit sensitivity: below the profile's strikes, a 429 without a provider hint is counted, not cooled.
    const strikes = failure.kind === "rate_limit" && failure.retryAt === undefined ? Math.max(1, profile.rateLimitStrikes ?? 1) : 1;
    const backoff = failures < strikes ? 0 : Math.min(profile.backoffCapMs, profile.backoffBaseMs * 2 ** (failures - strikes));
    // A later failure never shortens a cooldown still running (e.g. a used-up quota window until its reset).
    const running = previous && previous.until > now ? previous : undefined;
    const until = Math.max(failure.retryAt ?? 0, now + backoff, running?.until ?? 0);
    const keepsOld = running !== undefined && running.until === until;
    const entry: Cooldown = {
      accountId,
      model,
      until,
      failures,
      reason: keepsOld ? running.reason : `${failure.status} ${failure.kind}: ${failure.message}`.slice(0, 300),
      ...(failure.kind === "quota" || (keepsOld && running.quota) ? { quota: true } : {}),
    };
    this.entries.set(k, entry);
    this.onChange();
    return entry;
  }

  /** A success ends the account's and the model's failure streaks (a used-up quota lasts until its window resets). */
  succeeded(accountId: string, model: string, now = Date.now()): void {
    const whole = this.entries.get(key(accountId, null));
    const keepWhole = whole?.quota === true && whole.until > now;
    const changed = this.entries.delete(key(accountId, model)) || (!keepWhole && this.entries.delete(key(accountId, null)));
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

  /** The entry for this account (and model, or the whole account), if any. */
  entry(accountId: string, model: string | null): Cooldown | undefined {
    return this.entries.get(key(accountId, model));
  }

  /** Drop one entry (another instance's success ended it); true when there was one. */
  forget(accountId: string, model: string | null): boolean {
    const gone = this.entries.delete(key(accountId, model));
    if (gone) this.onChange();
    return gone;
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
