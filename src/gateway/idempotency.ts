// Idempotency: the same Idempotency-Key (or X-Request-Id) within 5 s gets the first answer; a duplicate
// that arrives while the first is still running waits for it instead of calling upstream again.
import type { MaybePromise } from "../accounts/limits.ts";
import type { CapturedResponse } from "./capture.ts";

export const IDEMPOTENCY_WINDOW_MS = 5_000;

interface Entry {
  answer: Promise<CapturedResponse | undefined>;
  /** Set once the first request finished; the entry lives until then + the window. */
  expiresAt: number;
}

/** The caller runs the request (and must `finish` it), or waits for the first one's answer. */
export type IdempotencyClaim = { first: true } | { first: false; answer: Promise<CapturedResponse | undefined> };

/** Idempotency is hot state: one in memory here, a shared one when several instances run. */
export interface IdempotencyStore {
  /**
   * The first request's answer for this key, if one is running or finished within the window; otherwise the
   * caller is registered as the first (atomically: of two callers, one is first) and must call `finish`.
   */
  claim(key: string, now?: number): MaybePromise<IdempotencyClaim>;
  /** The first request's answer (undefined when it did not complete: duplicates then run on their own). */
  finish(key: string, answer: CapturedResponse | undefined, now?: number): void;
}

const FIRST: IdempotencyClaim = { first: true };

export class MemoryIdempotency implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  claim(key: string, now = Date.now()): IdempotencyClaim {
    this.sweep(now);
    const entry = this.entries.get(key);
    if (entry) return { first: false, answer: entry.answer };
    let resolve!: (v: CapturedResponse | undefined) => void;
    const answer = new Promise<CapturedResponse | undefined>((r) => (resolve = r));
    this.entries.set(key, { answer, expiresAt: Number.POSITIVE_INFINITY });
    this.resolvers.set(key, resolve);
    return FIRST;
  }

  finish(key: string, answer: CapturedResponse | undefined, now = Date.now()): void {
    const entry = this.entries.get(key);
    this.resolvers.get(key)?.(answer);
    this.resolvers.delete(key);
    if (!entry) return;
    if (answer) entry.expiresAt = now + IDEMPOTENCY_WINDOW_MS;
    else this.entries.delete(key);
  }

  private readonly resolvers = new Map<string, (v: CapturedResponse | undefined) => void>();

  private sweep(now: number): void {
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
  }
}
