// Budgets that stop spending: spend per key and period kept in memory, the likely cost of each call held before
// it (at most what is left) and settled with the real cost after, so a burst overshoots a limit by one call at most.
import { GatewayError } from "../canonical/errors.ts";
import type { Db } from "../db/client.ts";
import { deleteBudget, listBudgets, spentSince, upsertBudget, type BudgetRow } from "../db/queries/budgets.ts";
import { createMemoryBudgetHolds, type BudgetHolds } from "./budget-holds.ts";
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

/**
 * How long a call waits, near a budget's limit, for calls in flight to settle before it is refused as
 * "settling". Each settle wakes it, so it waits only while all that is left is held by calls still running.
 */
const SETTLE_WAIT_MS = 30_000;
/** Costs remembered per model to estimate the next call. */
const COST_HISTORY = 20;

export function createBudgets(db: Db, holds: BudgetHolds = createMemoryBudgetHolds()): Budgets {
  const books = new Map<string, Book[]>();
  const recentCosts = new Map<string, number[]>();

  const roll = (book: Book, now: number) => {
    const start = periodStart(book.row.period, now);
    if (start !== book.periodStart) {
      book.periodStart = start;
      book.spent = spentSince(db, book.row.keyId, start);
      holds.wake(book.row.keyId);
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
      holds.wake(keyId); // a raised limit lets waiting calls through at once
      return view(book, Date.now());
    },
    remove(keyId, period) {
      const removed = deleteBudget(db, keyId, period);
      books.set(
        keyId,
        (books.get(keyId) ?? []).filter((b) => b.row.period !== period),
      );
      holds.wake(keyId);
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
        // Refused only once what was really spent reaches a limit: money held by calls in flight is not spent yet.
        let room = Number.POSITIVE_INFINITY;
        for (const book of own) {
          roll(book, now);
          if (book.spent >= book.row.limitUsd) throw exceeded(book, keyName, now);
          room = Math.min(room, book.row.limitUsd - book.spent);
        }
        // What this call will likely cost: the dearest recent call to the same model, else the size of the
        // request; with no history at all it is unknown, and the call holds whatever is left.
        const history = recentCosts.get(modelKey);
        estimate ??= history?.length ? Math.max(sizeEstimate(), ...history) : Number.POSITIVE_INFINITY;
        if (estimate <= 0) return NO_RESERVATION; // an unpriced model: it costs nothing
        const hold = await holds.hold(keyId, estimate, room);
        if (hold) return hold;
        // All that is left is held by calls in flight: wait for one to settle, then look again.
        const left = deadline - Date.now();
        if (left <= 0 || !(await holds.released(keyId, left))) {
          const book = own.reduce((a, b) => (b.row.limitUsd - b.spent < a.row.limitUsd - a.spent ? b : a));
          throw new GatewayError(
            "rate_limit",
            `${PERIOD_LABEL[book.row.period]} budget for key "${keyName}" is nearly spent (${usd(book.spent)} of ${usd(book.row.limitUsd)}, ${usd(holds.held(keyId))} held by requests still running) and they did not settle within ${SETTLE_WAIT_MS / 1000} s; retry in a moment.`,
            { code: "budget_settling", retryAfter: 5 },
          );
        }
      }
    },
    forgetKey(keyId) {
      books.delete(keyId);
      holds.forget(keyId);
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
    `${PERIOD_LABEL[book.row.period]} budget exceeded for key "${keyName}": ${usd(book.spent)} of ${usd(book.row.limitUsd)} spent; resets ${resets.toISOString().replace(".000Z", "Z")}`,
    { code: "budget_exceeded", retryAfter: Math.ceil((resets.getTime() - now) / 1000) },
  );
}

/** Dollars and cents; below a dollar, tenths of a cent too when cents alone would hide the difference ($0.1049 of $0.10). */
function usd(n: number): string {
  const cents = n * 100;
  return n < 1 && Math.abs(cents - Math.round(cents)) > 1e-6 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
