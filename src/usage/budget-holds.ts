// Money held against a key's budgets while its calls are in flight: the small port a shared store (Redis) can
// implement for several gateways, and the in-memory one a single gateway uses.

export interface BudgetHold {
  /** What this call holds (USD): its likely cost, or what was left when that did not fit. */
  readonly amount: number;
  /** Give the hold back with nothing spent (once; later calls do nothing) and wake the calls waiting on this key. */
  release(): void;
  /**
   * The call's usage row is committed: give the hold back (once, as `release`) and count a settle of this key, so
   * the other instances see that their spend read before it misses a call (`settled`).
   */
  settle(): void;
}

export interface BudgetHolds {
  /**
   * One atomic step for one call of `keyId`, whose budgets have `room` USD left (limit minus spent, over the
   * tightest budget) and whose likely cost is `estimate` (Infinity when unknown):
   * - the estimate fits beside what calls in flight hold: hold the estimate;
   * - it does not, but some room is not held and no other call holds "what was left": hold what is left. That
   *   call may run past the limit, by at most its own cost; no other can, so a burst overshoots by one call;
   * - else undefined: the caller waits for `released` and asks again.
   */
  hold(keyId: string, estimate: number, room: number): Promise<BudgetHold | undefined>;
  /** Resolves true when a hold of `keyId` is released (or `wake` is called), false after `ms`. */
  released(keyId: string, ms: number): Promise<boolean>;
  /** Something other than a hold changed what a key may spend (a limit raised, a period rolled): wake its waiters. */
  wake(keyId: string): void;
  /** USD held by calls of `keyId` in flight. */
  held(keyId: string): number;
  /** A deleted key: drop its holds (releasing one later does nothing) and wake its waiters. */
  forget(keyId: string): void;
  /**
   * The calls of `keyId` other instances have settled, as a token that changes with each (as last seen by `hold`,
   * in its own round trip): a spend read from the shared tables before the token changed may miss one. Only
   * this instance's holds in memory: no other instance, so it never changes.
   */
  settled(keyId: string): string;
}

interface KeyHolds {
  total: number;
  /** A call holds "what was left" (less than its likely cost): no second one may until it settles. */
  capped: boolean;
}

/** Amounts below this are rounding left over from adding and taking back floats. */
const EPSILON = 1e-12;

export function createMemoryBudgetHolds(): BudgetHolds {
  const keys = new Map<string, KeyHolds>();
  const waiters = new Map<string, Array<() => void>>();

  const wake = (keyId: string) => {
    const list = waiters.get(keyId);
    if (!list) return;
    waiters.delete(keyId);
    for (const w of list) w();
  };

  return {
    async hold(keyId, estimate, room) {
      const state = keys.get(keyId) ?? { total: 0, capped: false };
      const free = room - state.total;
      let amount: number;
      let capped = false;
      if (estimate <= free) amount = estimate;
      else if (free > EPSILON && !state.capped) {
        amount = free;
        capped = true;
      } else return undefined;
      state.total += amount;
      state.capped ||= capped;
      keys.set(keyId, state);
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        // The key's state may have been forgotten (key deleted) and made anew since: give back only to the same one.
        if (keys.get(keyId) === state) {
          state.total -= amount;
          if (capped) state.capped = false;
          if (state.total <= EPSILON && !state.capped) keys.delete(keyId);
        }
        wake(keyId);
      };
      return { amount, release, settle: release };
    },
    released(keyId, ms) {
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          const list = waiters.get(keyId);
          const at = list?.indexOf(onRelease) ?? -1;
          if (list && at >= 0) list.splice(at, 1);
          if (list && !list.length) waiters.delete(keyId);
          resolve(false);
        }, ms);
        const onRelease = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const list = waiters.get(keyId) ?? [];
        list.push(onRelease);
        waiters.set(keyId, list);
      });
    },
    wake,
    held(keyId) {
      return Math.max(0, keys.get(keyId)?.total ?? 0);
    },
    forget(keyId) {
      keys.delete(keyId);
      wake(keyId);
    },
    settled: () => "",
  };
}
