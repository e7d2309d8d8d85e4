// Which (target, account) a request tries next: a generator the pipeline walks in order (caddy's reverse-proxy loop:
// select -> round trip -> try again or not). It skips what cannot serve now and notes why, for the final error.
import { canFallBack, type Failure } from "../accounts/failure.ts";
import type { Account } from "../accounts/pool.ts";
import { limitsOf, orderAccounts, type SelectionDeps } from "../accounts/select.ts";
import type { QuotaStore } from "../accounts/quota.ts";
import type { RecentUsage } from "../routing/recent-usage.ts";
import type { Target } from "../routing/resolve.ts";
import type { SettingsStore } from "../settings/store.ts";
import type { Attempt } from "./exhausted.ts";
import type { AccountSlot } from "../accounts/limits.ts";

export interface Candidate {
  target: Target;
  account: Account;
}

/** A candidate whose account took a place for this call: the slot frees it. */
export interface Admitted extends Candidate {
  slot: AccountSlot;
}

export interface CandidateDeps extends SelectionDeps {
  settings: Pick<SettingsStore, "get">;
  recentUsage: RecentUsage;
  quotas: Pick<QuotaStore, "exhaustLocal">;
}

/** What one request has tried so far; the generator reads it to decide what comes next. */
export class Tried {
  /** Every target and account considered, called or skipped, with why. */
  readonly attempts: Attempt[] = [];
  /** The last call's failure says another model may do better (context too long): leave this target's accounts. */
  skipRestOfTarget = false;

  skipped(attempt: Attempt): void {
    this.attempts.push(attempt);
  }

  failed(candidate: Candidate, failure: Failure): void {
    this.attempts.push({ target: candidate.target, accountId: candidate.account.id, accountName: candidate.account.name, failure });
    if (failure.kind === "context") this.skipRestOfTarget = true;
  }
}

/** Longest we wait for an account's own limit (rpm, interval, concurrency) when nothing else is left. */
const MAX_LIMIT_WAIT_MS = 10_000;

/**
 * The candidates for `targets` in order, each target's accounts in the routing strategy's order: blocked
 * providers, open breakers, cooling accounts and accounts at their own limit are skipped (and noted in `tried`).
 * A half-open breaker lets one call through as its probe. When every account was only at its own limit, the
 * one that frees up first is offered last, after a short wait.
 */
export async function* candidates(deps: CandidateDeps, targets: Target[], tried: Tried): AsyncGenerator<Admitted> {
  const { breakers, cooldowns, limiter } = deps.health;
  const waiting: Array<Candidate & { readyAt: number }> = [];
  for (const target of targets) {
    if (deps.settings.get().blockedProviders.includes(target.provider.id)) {
      tried.skipped({ target, skipped: `provider "${target.provider.id}" is blocked in settings` });
      continue;
    }
    const decision = await breakers.check(target.provider.id);
    if (decision === "deny") {
      const until = breakers.list().find((b) => b.provider === target.provider.id)?.openUntil;
      tried.skipped({ target, skipped: `circuit breaker for ${target.provider.name} is open`, until });
      continue;
    }
    const accounts = orderAccounts(deps, target.provider.id);
    if (accounts.length === 0)
      tried.skipped({ target, skipped: `no active connection for provider "${target.provider.id}"`, noAccount: true });
    let probed = false;
    tried.skipRestOfTarget = false;
    for (const account of accounts) {
      if (decision === "probe" && probed) break;
      const now = Date.now();
      const coolingUntil = cooldowns.until(account.id, target.model, now);
      if (coolingUntil > now) {
        tried.skipped({
          target,
          accountId: account.id,
          accountName: account.name,
          skipped: "cooling down",
          until: coolingUntil,
          rateLimited: true,
        });
        continue;
      }
      const admission = await limiter.tryAcquire(account.id, limitsOf(deps, account), now);
      if ("waitMs" in admission) {
        const wait = admission.waitMs;
        waiting.push({ target, account, readyAt: now + wait });
        tried.skipped({
          target,
          accountId: account.id,
          accountName: account.name,
          skipped: "at its request limit",
          until: Number.isFinite(wait) ? now + wait : undefined,
          rateLimited: true,
        });
        continue;
      }
      probed = true;
      yield admitted(deps, { target, account }, admission.slot);
      if (tried.skipRestOfTarget) break;
    }
    if (decision === "probe" && !probed) breakers.releaseProbe(target.provider.id);
  }

  const soonest = waiting.filter((w) => Number.isFinite(w.readyAt)).sort((a, b) => a.readyAt - b.readyAt)[0];
  if (soonest && soonest.readyAt - Date.now() <= MAX_LIMIT_WAIT_MS) {
    await Bun.sleep(Math.max(0, soonest.readyAt - Date.now()));
    const admission = await limiter.tryAcquire(soonest.account.id, limitsOf(deps, soonest.account));
    if ("slot" in admission) yield admitted(deps, soonest, admission.slot);
  }
}

/** The account is about to be called: its last use and the model's recent use are noted. */
function admitted(deps: CandidateDeps, { target, account }: Candidate, slot: AccountSlot): Admitted {
  deps.accounts.markUsed(account.id, Date.now());
  deps.recentUsage.record(target.label);
  return { target, account, slot };
}

/** The upstream served: the provider's breaker and the account's cooldown hear it. */
export function credit(deps: CandidateDeps, { target, account }: Candidate): void {
  deps.health.breakers.succeeded(target.provider.id);
  deps.health.cooldowns.succeeded(account.id, target.model);
}

/** The call ended with no verdict on the upstream (the client left, or the request itself was at fault). */
export function abstain(deps: CandidateDeps, { target }: Candidate): void {
  deps.health.breakers.releaseProbe(target.provider.id);
}

/** What a failure costs the account and provider: cooldowns for limits and credentials, breaker strikes for outages. */
export function penalize(deps: CandidateDeps, { target, account }: Candidate, failure: Failure): void {
  const { breakers, cooldowns } = deps.health;
  const profile = deps.resilience.profile(target.provider.id);
  switch (failure.kind) {
    case "rate_limit":
      cooldowns.penalize(account.id, target.model, failure, profile);
      break;
    case "quota":
      // A plan counted here (GLM daily, MiniMax 5-hour...) says when it resets, where the provider's answer did not.
      if (failure.retryAt !== undefined || !deps.quotas.exhaustLocal(account)) cooldowns.penalize(account.id, null, failure, profile);
      break;
    case "auth":
      cooldowns.penalize(account.id, null, failure, profile);
      break;
    case "server":
    case "timeout":
    case "connection":
      breakers.failed(target.provider.id, profile);
      break;
    case "context":
    case "client":
      breakers.releaseProbe(target.provider.id);
      break;
    default: {
      const unreachable: never = failure.kind;
      throw new Error(`unhandled failure kind ${String(unreachable)}`);
    }
  }
}

export { canFallBack };
