// Per-account request limits (rpm, minimum interval, concurrency): a request that would break one goes elsewhere.
import type { Limits } from "./profiles.ts";

interface Live {
  starts: number[];
  lastStart: number;
  inFlight: number;
}

export class AccountLimiter {
  private readonly live = new Map<string, Live>();

  private get(accountId: string): Live {
    let l = this.live.get(accountId);
    if (!l) this.live.set(accountId, (l = { starts: [], lastStart: 0, inFlight: 0 }));
    return l;
  }

  /** 0 when the account may start a request now, else ms until it could (Infinity: wait for one to finish). */
  waitMs(accountId: string, limits: Limits, now = Date.now()): number {
    const l = this.live.get(accountId);
    if (!l) return 0;
    let wait = 0;
    if (limits.maxConcurrent > 0 && l.inFlight >= limits.maxConcurrent) wait = Infinity;
    if (limits.minIntervalMs > 0) wait = Math.max(wait, l.lastStart + limits.minIntervalMs - now);
    if (limits.rpm > 0) {
      while (l.starts.length && l.starts[0]! <= now - 60_000) l.starts.shift();
      if (l.starts.length >= limits.rpm) wait = Math.max(wait, l.starts[0]! + 60_000 - now);
    }
    return Math.max(0, wait);
  }

  start(accountId: string, limits: Limits, now = Date.now()): void {
    const l = this.get(accountId);
    l.inFlight++;
    l.lastStart = now;
    if (limits.rpm > 0) l.starts.push(now);
  }

  end(accountId: string): void {
    const l = this.live.get(accountId);
    if (l && l.inFlight > 0) l.inFlight--;
  }

  inFlight(accountId: string): number {
    return this.live.get(accountId)?.inFlight ?? 0;
  }
}
