// Budgets that stop spending: spend per key and period kept in memory, an estimate reserved before each call
// and settled with the real cost after, so parallel requests cannot run far past a limit.
import { GatewayError } from "../canonical/errors.ts";
import type { Db } from "../db/client.ts";
import { deleteBudget, listBudgets, spentSince, upsertBudget, type BudgetRow } from "../db/queries/budgets.ts";
import { PERIOD_LABEL, periodEnd, periodStart, type Period } from "./periods.ts";

interface Book {
  row: BudgetRow;
  periodStart: number;
  spent: number;
}

export interface Reservation {
  /** Give the reserved estimate back (the real cost is counted when the usage row is written). */
  release(): void;
}

export interface BudgetView {
  keyId: string;
  period: Period;
  limit: number;
  spent: number;
  remaining: number;
  warnAt: number;
  warning: boolean;
  exceeded: boolean;
  resetsAt: string;
}

export interface Budgets {
  list(now?: number): BudgetView[];
  set(keyId: string, period: Period, limitUsd: number, warnAt?: number): BudgetView;
  remove(keyId: string, period: Period): boolean;
  /**
   * Throws a 429 when a budget of this key is spent; else reserves the request's likely cost until released.
   * `modelKey` names what will serve it, so the cost of earlier calls to it can inform the estimate.
   */
  reserve(keyId: string | null, keyName: string, sizeEstimate: () => number, modelKey: string): Promise<Reservation>;
  /** Drop the budgets of a deleted key. */
  forgetKey(keyId: string): void;
  /** Count a request's real cost against the key's budgets (and learn what calls to `modelKey` cost). */
  spend(keyId: string | null, costUsd: number, at: number, modelKey?: string): void;
  /** Re-read budgets and spend from the database (after an import); reservations in flight are kept. */
  reload(): void;
}

const NO_RESERVATION: Reservation = { release() {} };

/** How long a request waits for the calls in flight of a nearly spent budget to settle. */
const SETTLE_WAIT_MS = 30_000;
/** Costs remembered per model to estimate the next call. */
const COST_HISTORY = 20;

export function createBudgets(db: Db): Budgets {
  const books = new Map<string, Book[]>();
  const reserved = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const waiters = new Map<string, Array<() => void>>();
  const recentCosts = new Map<string, number[]>();

  const wake = (keyId: string) => {
    const list = waiters.get(keyId);
    waiters.delete(keyId);
    for (const w of list ?? []) w();
  };
  const settled = (keyId: string, ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      const list = waiters.get(keyId) ?? [];
      list.push(() => { clearTimeout(timer); resolve(true); });
      waiters.set(keyId, list);
    });

  const roll = (book: Book, now: number) => {
    const start = periodStart(book.row.period, now);
    if (start !== book.periodStart) {
      book.periodStart = start;
      book.spent = spentSince(db, book.row.keyId, start);
    }
  };
  const load = (row: BudgetRow, now = Date.now()): Book => {
    const start = periodStart(row.period, now);
    return { row, periodStart: start, spent: spentSince(db, row.keyId, start) };
  };
  const loadAll = () => {
    books.clear();
    for (const row of listBudgets(db)) books.set(row.keyId, [...(books.get(row.keyId) ?? []), load(row)]);
  };
  loadAll();

  const view = (book: Book, now: number): BudgetView => {
    roll(book, now);
    const limit = book.row.limitUsd;
    return {
      keyId: book.row.keyId,
      period: book.row.period,
      limit,
      spent: round(book.spent),
      remaining: round(Math.max(0, limit - book.spent)),
      warnAt: book.row.warnAt,
      warning: book.spent >= limit * book.row.warnAt,
      exceeded: book.spent >= limit,
      resetsAt: new Date(periodEnd(book.row.period, now)).toISOString(),
    };
  };

  return {
    reload: loadAll,
    list(now = Date.now()) {
      return [...books.values()].flat().map((b) => view(b, now));
    },
    set(keyId, period, limitUsd, warnAt = 0.8) {
      const row = upsertBudget(db, { keyId, period, limitUsd, warnAt });
      const others = (books.get(keyId) ?? []).filter((b) => b.row.period !== period);
      const book = load(row);
      books.set(keyId, [...others, book]);
      return view(book, Date.now());
    },
    remove(keyId, period) {
      const removed = deleteBudget(db, keyId, period);
      books.set(keyId, (books.get(keyId) ?? []).filter((b) => b.row.period !== period));
      return removed;
    },
    async reserve(keyId, keyName, sizeEstimate, modelKey) {
      if (!keyId) return NO_RESERVATION;
      const own = books.get(keyId);
      if (!own?.length) return NO_RESERVATION;
      const deadline = Date.now() + SETTLE_WAIT_MS;
      let estimate: number | undefined;
      while (true) {
        const now = Date.now();
        const held = reserved.get(keyId) ?? 0;
        let headroom = Number.POSITIVE_INFINITY;
        for (const book of own) {
          roll(book, now);
          // Refuse only once spent (plus what calls in flight will spend) reaches the limit: a request that
          // fits in the remainder is never refused on a guess.
          if (book.spent + held >= book.row.limitUsd) throw exceeded(book, keyName, now);
          headroom = Math.min(headroom, book.row.limitUsd - book.spent - held);
        }
        // What this call will likely cost: the dearest recent call to the same model, else the size of the
        // request; with no history at all, assume it may use the whole remainder.
        const history = recentCosts.get(modelKey);
        estimate ??= history?.length ? Math.max(sizeEstimate(), ...history) : Number.POSITIVE_INFINITY;
        // Calls run in parallel while the budget has room for all of them; near the limit they go one at a
        // time, so a burst overshoots by one call at most.
        if ((inFlight.get(keyId) ?? 0) === 0 || estimate <= headroom) {
          const amount = Number.isFinite(estimate) ? estimate : headroom;
          reserved.set(keyId, held + amount);
          inFlight.set(keyId, (inFlight.get(keyId) ?? 0) + 1);
          let done = false;
          return {
            release() {
              if (done) return;
              done = true;
              const left = (reserved.get(keyId) ?? 0) - amount;
              if (left <= 1e-12) reserved.delete(keyId);
              else reserved.set(keyId, left);
              const n = (inFlight.get(keyId) ?? 1) - 1;
              if (n <= 0) inFlight.delete(keyId);
              else inFlight.set(keyId, n);
              wake(keyId);
            },
          };
        }
        const left = deadline - Date.now();
        if (left <= 0 || !(await settled(keyId, left))) {
          const book = own[0]!;
          throw new GatewayError(
            "rate_limit",
            `${PERIOD_LABEL[book.row.period]} budget for key "${keyName}" is nearly spent ($${book.spent.toFixed(2)} of $${book.row.limitUsd.toFixed(2)}) and other requests are still settling; retry in a moment.`,
            { code: "budget_settling", retryAfter: 5 },
          );
        }
      }
    },
    forgetKey(keyId) {
      books.delete(keyId);
      reserved.delete(keyId);
    },
    spend(keyId, costUsd, at, modelKey) {
      if (modelKey && costUsd > 0) {
        const history = recentCosts.get(modelKey) ?? [];
        history.push(costUsd);
        if (history.length > COST_HISTORY) history.shift();
        recentCosts.set(modelKey, history);
      }
      if (!keyId || costUsd <= 0) return;
      for (const book of books.get(keyId) ?? []) {
        roll(book, at);
        if (at >= book.periodStart) book.spent += costUsd;
      }
    },
  };
}

function exceeded(book: Book, keyName: string, now: number): GatewayError {
  const resets = new Date(periodEnd(book.row.period, now));
  return new GatewayError(
    "rate_limit",
    `${PERIOD_LABEL[book.row.period]} budget exceeded for key "${keyName}": $${book.spent.toFixed(2)} of $${book.row.limitUsd.toFixed(2)} spent; resets ${resets.toISOString().replace(".000Z", "Z")}`,
    { code: "budget_exceeded", retryAfter: Math.ceil((resets.getTime() - now) / 1000) },
  );
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
