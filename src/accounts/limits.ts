// Per-account request limits (rpm, minimum interval, concurrency): a request that would break one goes elsewhere.
// The limiter is hot state behind an interface: one in memory here, a shared one when several instances run.
import type { Limits } from "./profiles.ts";

/** A value now, or later from a shared store. */
export type MaybePromise<T> = T | Promise<T>;

/** The account's place in its limiter while one call runs on it. */
export interface AccountSlot {
  /** Frees the account's in-flight place (idempotent). */
  release(): void;
}

export type Admission = { slot: AccountSlot } | { waitMs: number };

export interface AccountLimiter {
  /**
   * Take a place for one call if the account's limits allow it now (check and take in one step, so two callers
   * never both take the last place): the slot, or ms until a place may free up (Infinity: when a call ends).
   */
  tryAcquire(accountId: string, limits: Limits, now?: number): MaybePromise<Admission>;
  /** Calls in flight on the account now (strategies prefer the less busy). */
  inFlight(accountId: string): number;
}

interface Live {
  starts: number[];
  lastStart: number;
  inFlight: number;
}

export class MemoryAccountLimiter implements AccountLimiter {
  private readonly live = new Map<string, Live>();

  tryAcquire(accountId: string, limits: Limits, now = Date.now()): Admission {
    let l = this.live.get(accountId);
    const wait = l ? waitMs(l, limits, now) : 0;
    if (wait > 0) return { waitMs: wait };
    if (!l) this.live.set(accountId, (l = { starts: [], lastStart: 0, inFlight: 0 }));
    l.inFlight++;
    l.lastStart = now;
    if (limits.rpm > 0) l.starts.push(now);
    const live = l;
    let released = false;
    return {
      slot: {
        release() {
          if (released) return;
          released = true;
          if (live.inFlight > 0) live.inFlight--;
        },
      },
    };
  }

  inFlight(accountId: string): number {
    return this.live.get(accountId)?.inFlight ?? 0;
  }
}

/** 0 when the account may start a request now, else ms until it could (Infinity: wait for one to finish). */
function waitMs(l: Live, limits: Limits, now: number): number {
  let wait = 0;
  if (limits.maxConcurrent > 0 && l.inFlight >= limits.maxConcurrent) wait = Infinity;
  if (limits.minIntervalMs > 0) wait = Math.max(wait, l.lastStart + limits.minIntervalMs - now);
  if (limits.rpm > 0) {
    while (l.starts.length && l.starts[0]! <= now - 60_000) l.starts.shift();
    if (l.starts.length >= limits.rpm) wait = Math.max(wait, l.starts[0]! + 60_000 - now);
  }
  return Math.max(0, wait);
}
