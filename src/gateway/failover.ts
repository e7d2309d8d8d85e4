// The target x account loop every proxied endpoint shares: skip, call, penalize, fail over, explain what was tried.
import { GatewayError } from "../canonical/errors.ts";
import { canFallBack, type Failure } from "../accounts/failure.ts";
import type { Account } from "../accounts/pool.ts";
import { limitsOf, orderAccounts } from "../accounts/select.ts";
import type { Target } from "../routing/resolve.ts";
import type { Services } from "../services.ts";
import { exhaustedError, type Attempt } from "./exhausted.ts";

/** The account's place in its limiter while one call runs on it. */
export interface AccountSlot {
  /** Frees the account's in-flight slot; call once the answer is complete (idempotent). */
  release(): void;
  /** Upstream calls made before this one, for the X-OmniRoute-Fallback-Attempts header. */
  readonly fallbackAttempts: number;
}

/**
 * What one upstream call came to:
 * - `answer`: the upstream served; the breaker and cooldown are credited, then `answer()` builds the reply
 *   (it must release the slot when the answer is complete);
 * - `failure`: the upstream failed; it is penalized and the next account or target is tried;
 * - `ended`: the request is over with no verdict on the upstream (the client left): nothing credited or penalized.
 */
export type AttemptVerdict<T> =
  | { answer: () => Promise<T> }
  | { failure: Failure }
  | { ended: T };

export type AttemptFn<T> = (target: Target, account: Account, slot: AccountSlot) => Promise<AttemptVerdict<T>>;

/** Counters of one request, readable while it runs (the usage row wants the number of calls). */
export interface FailoverState {
  calls: number;
  attempts: Attempt[];
}

export type FailoverOutcome<T> = { served: T } | { exhausted: GatewayError };

/** Longest we wait for an account's own limit (rpm, interval, concurrency) when nothing else is left. */
const MAX_LIMIT_WAIT_MS = 10_000;

export function newFailoverState(): FailoverState {
  return { calls: 0, attempts: [] };
}

/**
 * Tries `targets` in order, each through its provider's accounts in the routing strategy's order.
 * Resolves with the first answer, or with the error that explains why nothing served. A client fault
 * (an upstream 4xx another account would answer the same) is thrown at once.
 */
export async function runFailover<T>(services: Services, targets: Target[], state: FailoverState, attempt: AttemptFn<T>): Promise<FailoverOutcome<T>> {
  const { attempts } = state;

  /** One upstream call; the answer, or what to do next. */
  const tryAccount = async (target: Target, account: Account): Promise<{ served: T } | "next-target" | undefined> => {
    const { breakers, cooldowns, limiter } = services.health;
    state.calls++;
    limiter.start(account.id, limitsOf(services, account));
    services.accounts.markUsed(account.id, Date.now());
    services.recentUsage.record(target.label);
    let released = false;
    const slot: AccountSlot = {
      release() {
        if (!released) limiter.end(account.id);
        released = true;
      },
      fallbackAttempts: state.calls - 1,
    };
    let verdict: AttemptVerdict<T>;
    try {
      verdict = await attempt(target, account, slot);
    } catch (err) {
      slot.release();
      breakers.releaseProbe(target.provider.id);
      throw err;
    }
    if ("ended" in verdict) {
      slot.release();
      breakers.releaseProbe(target.provider.id);
      return { served: verdict.ended };
    }
    if ("answer" in verdict) {
      breakers.succeeded(target.provider.id);
      cooldowns.succeeded(account.id, target.model);
      return { served: await verdict.answer() };
    }
    slot.release();
    const failure = verdict.failure;
    attempts.push({ target, accountId: account.id, accountName: account.name, failure });
    penalize(services, target, account, failure);
    if (!canFallBack(failure.kind)) throw clientFault(target, failure);
    return failure.kind === "context" ? "next-target" : undefined;
  };

  const waiting: Array<{ target: Target; account: Account; readyAt: number }> = [];
  for (const target of targets) {
    if (services.settings.get().blockedProviders.includes(target.provider.id)) {
      attempts.push({ target, skipped: `provider "${target.provider.id}" is blocked in settings` });
      continue;
    }
    const decision = services.health.breakers.check(target.provider.id);
    if (decision === "deny") {
      const until = services.health.breakers.list().find((b) => b.provider === target.provider.id)?.openUntil;
      attempts.push({ target, skipped: `circuit breaker for ${target.provider.name} is open`, until });
      continue;
    }
    const accounts = orderAccounts(services, target.provider.id);
    if (accounts.length === 0) attempts.push({ target, skipped: `no active connection for provider "${target.provider.id}"`, noAccount: true });
    let probed = false;
    for (const account of accounts) {
      if (decision === "probe" && probed) break;
      const now = Date.now();
      const coolingUntil = services.health.cooldowns.until(account.id, target.model, now);
      if (coolingUntil > now) {
        attempts.push({ target, accountId: account.id, accountName: account.name, skipped: "cooling down", until: coolingUntil, rateLimited: true });
        continue;
      }
      const wait = services.health.limiter.waitMs(account.id, limitsOf(services, account), now);
      if (wait > 0) {
        waiting.push({ target, account, readyAt: now + wait });
        attempts.push({ target, accountId: account.id, accountName: account.name, skipped: "at its request limit", until: Number.isFinite(wait) ? now + wait : undefined, rateLimited: true });
        continue;
      }
      probed = true;
      const outcome = await tryAccount(target, account);
      if (outcome && outcome !== "next-target") return outcome;
      if (outcome === "next-target") break;
    }
    if (decision === "probe" && !probed) services.health.breakers.releaseProbe(target.provider.id);
  }

  // Every account was busy at its own limit: wait for the first one that frees up, briefly.
  const soonest = waiting.filter((w) => Number.isFinite(w.readyAt)).sort((a, b) => a.readyAt - b.readyAt)[0];
  if (soonest && soonest.readyAt - Date.now() <= MAX_LIMIT_WAIT_MS) {
    await Bun.sleep(Math.max(0, soonest.readyAt - Date.now()));
    const outcome = await tryAccount(soonest.target, soonest.account);
    if (outcome && outcome !== "next-target") return outcome;
  }

  return { exhausted: exhaustedError(attempts) };
}

/** What a failure costs the account and provider: cooldowns for limits and credentials, breaker strikes for outages. */
function penalize(services: Services, target: Target, account: Account, failure: Failure): void {
  const { breakers, cooldowns } = services.health;
  const profile = services.resilience.profile(target.provider.id);
  switch (failure.kind) {
    case "rate_limit": cooldowns.penalize(account.id, target.model, failure, profile); break;
    case "quota":
    case "auth": cooldowns.penalize(account.id, null, failure, profile); break;
    case "server":
    case "timeout":
    case "connection": breakers.failed(target.provider.id, profile); break;
    case "context":
    case "client": breakers.releaseProbe(target.provider.id); break;
  }
}

/** A client fault is answered at once with the upstream's status and words. */
function clientFault(target: Target, failure: Failure): GatewayError {
  return new GatewayError("invalid_request", `Provider ${target.provider.name} answered ${failure.status} for ${target.label}: ${failure.message}`, {
    status: failure.status,
    code: "upstream_rejected_request",
  });
}
