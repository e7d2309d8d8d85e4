// Budgets that stop spending: spend per key and period kept in memory, the likely cost of each call held before
// it (at most what is left) and settled with the real cost after, so a burst overshoots a limit by one call at most.
import { GatewayError } from "../canonical/errors.ts";
import type { ChangeArea } from "../db/change-feed.ts";
import { deleteBudget, listBudgets, spentSince, upsertBudget, type BudgetRow } from "../db/queries/budgets.ts";
import type { Store } from "../db/store.ts";
import { createMemoryBudgetHolds, type BudgetHolds } from "./budget-holds.ts";
import { PERIOD_LABEL, periodEnd, periodStart, type Period } from "./periods.ts";

interface Book {
  row: BudgetRow;
  periodStart: number;
  spent: number;
  /** What this instance counted by spend() in this period (only ever grows): what a read of the tables may have missed. */
  counted: number;
  /** When `spent` was last read from the tables (epoch ms); 0: it must be read before the next call is let through. */
  readAt: number;
  /** What the other instances had settled of this key (`BudgetHolds.settled`) when `spent` was read. */
  settled: string;
  /** The read under way, and what the others had settled when it began (the rows it is sure to see). */
  reading?: { settled: string; done: Promise<void> };
}

export interface Reservation {
  /** Give the reserved estimate back with nothing spent (no usage row, or one that cost nothing). */
  release(): void;
  /** The call's usage row is committed (its real cost counted here and in the tables): give the estimate back. */
  settle(): void;
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
  /** From memory: what each budget's spend was when last counted or read. */
  list(now?: number): BudgetView[];
  set(keyId: string, period: Period, limitUsd: number, warnAt?: number): Promise<BudgetView>;
  remove(keyId: string, period: Period): Promise<boolean>;
  /**
   * Throws a 429 when a budget of this key is spent; else reserves the request's likely cost until released.
   * `modelKey` names what will serve it, so the cost of earlier calls to it can inform the estimate.
   */
  reserve(keyId: string | null, keyName: string, sizeEstimate: () => number, modelKey: string): Promise<Reservation>;
  /** Drop the budgets of a deleted key. */
  forgetKey(keyId: string): void;
  /** Count a request's real cost against the key's budgets (and learn what calls to `modelKey` cost). */
  spend(keyId: string | null, costUsd: number, at: number, modelKey?: string): void;
  /** Re-read budgets and spend from the database (after an import, or another instance's change); reservations in flight are kept. */
  reload(): Promise<void>;
}

export interface BudgetOptions {
  /** Where money is held by calls in flight: this instance's memory (issue 18 shares them through Redis). */
  holds?: BudgetHolds;
  /** Called after a budget was set or removed here, so the other instances reload theirs. */
  changed?: (area: ChangeArea) => void;
  /** A spend read in the background (list() on PostgreSQL) failed. */
  onError?: (err: unknown) => void;
}

/** What a call of a key without a budget holds: nothing to give back, so settling it waits for nothing. */
export const NO_RESERVATION: Reservation = { release() {}, settle() {} };

/**
 * How long a call waits, near a budget's limit, for calls in flight to settle before it is refused as
 * "settling". Each settle wakes it, so it waits only while all that is left is held by calls still running.
 */
const SETTLE_WAIT_MS = 30_000;
/** Costs remembered per model to estimate the next call. */
const COST_HISTORY = 20;
/**
 * PostgreSQL: how old a key's spend may be before its next call has it read again from the shared tables (every
 * instance's rows), in the background. At most one read per key and period this often, never one per call.
 */
export const SHARED_SPEND_MAX_AGE_MS = 1_000;
/**
 * PostgreSQL: the most times one call reads its key's spend again because another instance settled a call meanwhile.
 * Past it (settles elsewhere faster than reads), the call is decided on the spend it read last.
 */
const MAX_SETTLED_READS = 3;

/**
 * The spend comes from the database's tables: read when a budget is loaded and when its period turns, then counted
 * here as this instance's calls settle. On PostgreSQL the tables hold every instance's calls, so a key's spend is read
 * again when it is older than SHARED_SPEND_MAX_AGE_MS. With holds shared (Redis), a call gives its hold back only once
 * its usage row is committed, and counts a settle there; a hold that reports a settle elsewhere since the spend was
 * read is given back while the spend is read again: no call is decided on a spend older than the last settle of its
 * key on any instance, and the database is read only after another instance settled one. With holds per instance
 * (no Redis), two instances may each let a call through on the same last dollar.
 */
export async function createBudgets(store: Store, opts: BudgetOptions = {}): Promise<Budgets> {
  const holds = opts.holds ?? createMemoryBudgetHolds();
  const changed = opts.changed ?? (() => {});
  const shared = store.dialect === "postgres";
  let books = new Map<string, Book[]>();
  const recentCosts = new Map<string, number[]>();

  /** A new period starts at nothing spent; the tables are read before its first call is let through. */
  const roll = (book: Book, now: number) => {
    const start = periodStart(book.row.period, now);
    if (start > book.periodStart) {
      book.periodStart = start;
      book.spent = 0;
      book.counted = 0;
      book.readAt = 0;
      holds.wake(book.row.keyId);
    }
  };
  const stale = (book: Book, now: number) => book.readAt === 0 || (shared && now - book.readAt > SHARED_SPEND_MAX_AGE_MS);
  /**
   * Reads the spend from the tables (one read at a time per book), keeping what this instance counted meanwhile.
   * When the database cannot answer (PostgreSQL unreachable) the spend counted here stands, and the read is tried
   * again a second later: calls go on being served from memory.
   */
  const read = (book: Book): Promise<void> => {
    const settled = holds.settled(book.row.keyId);
    // A read under way that began before the last settle elsewhere was heard of may miss its row: read again after it.
    if (book.reading) return book.reading.settled === settled ? book.reading.done : book.reading.done.then(() => read(book));
    const reading: NonNullable<Book["reading"]> = { settled, done: Promise.resolve() };
    book.reading = reading;
    reading.done = (async () => {
      const start = book.periodStart;
      const countedBefore = book.counted;
      try {
        const spent = await spentSince(store, book.row.keyId, start);
        if (book.periodStart !== start) return;
        book.spent = spent + (book.counted - countedBefore);
        book.readAt = Date.now();
        book.settled = settled;
      } catch (err) {
        if (book.periodStart === start) {
          book.readAt = Date.now();
          book.settled = settled;
        }
        opts.onError?.(err);
      } finally {
        if (book.reading === reading) book.reading = undefined;
      }
    })();
    return reading.done;
  };
  const load = async (row: BudgetRow, now = Date.now()): Promise<Book> => {
    const book: Book = { row, periodStart: periodStart(row.period, now), spent: 0, counted: 0, readAt: 0, settled: "" };
    await read(book);
    return book;
  };
  const loadAll = async () => {
    const next = new Map<string, Book[]>();
    for (const row of await listBudgets(store)) next.set(row.keyId, [...(next.get(row.keyId) ?? []), await load(row)]);
    books = next;
    for (const keyId of next.keys()) holds.wake(keyId);
  };
  await loadAll();

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
      const all = [...books.values()].flat();
      const views = all.map((b) => view(b, now));
      // Shown from memory; a spend too old (another instance's calls) is read for the next look.
      for (const b of all) if (stale(b, now)) void read(b);
      return views;
    },
    async set(keyId, period, limitUsd, warnAt = 0.8) {
      const row = await upsertBudget(store, { keyId, period, limitUsd, warnAt });
      const book = await load(row);
      const others = (books.get(keyId) ?? []).filter((b) => b.row.period !== period);
      books.set(keyId, [...others, book]);
      holds.wake(keyId); // a raised limit lets waiting calls through at once
      changed("budgets");
      return view(book, Date.now());
    },
    async remove(keyId, period) {
      const removed = await deleteBudget(store, keyId, period);
      books.set(
        keyId,
        (books.get(keyId) ?? []).filter((b) => b.row.period !== period),
      );
      holds.wake(keyId);
      if (removed) changed("budgets");
      return removed;
    },
    async reserve(keyId, keyName, sizeEstimate, modelKey) {
      if (!keyId) return NO_RESERVATION;
      const own = books.get(keyId);
      if (!own?.length) return NO_RESERVATION;
      const deadline = Date.now() + SETTLE_WAIT_MS;
      let estimate: number | undefined;
      let settledReads = 0;
      while (true) {
        const now = Date.now();
        // Refused only once what was really spent reaches a limit: money held by calls in flight is not spent yet.
        let room = Number.POSITIVE_INFINITY;
        for (const book of own) roll(book, now);
        // A new period: its spend is read from the tables before its first call goes through. On PostgreSQL a
        // spend older than a second is read again in the background: calls never wait on the database for it.
        const unread = own.filter((b) => b.readAt === 0);
        if (unread.length) await Promise.all(unread.map(read));
        for (const b of own) if (stale(b, now)) void read(b);
        for (const book of own) {
          if (book.spent >= book.row.limitUsd) throw exceeded(book, keyName, now);
          room = Math.min(room, book.row.limitUsd - book.spent);
        }
        // What this call will likely cost: the dearest recent call to the same model, else the size of the
        // request; with no history at all it is unknown, and the call holds whatever is left.
        const history = recentCosts.get(modelKey);
        estimate ??= history?.length ? Math.max(sizeEstimate(), ...history) : Number.POSITIVE_INFINITY;
        if (estimate <= 0) return NO_RESERVATION; // an unpriced model: it costs nothing
        const hold = await holds.hold(keyId, estimate, room);
        // PostgreSQL: another instance settled a call of this key since its spend was read here; its hold is gone and
        // its row is in the tables. Give this hold back, read the spend again (one read per book), and look again.
        if (shared && settledReads < MAX_SETTLED_READS) {
          const settled = holds.settled(keyId);
          const behind = own.filter((b) => b.settled !== settled);
          if (behind.length) {
            hold?.release();
            settledReads++;
            await Promise.all(behind.map(read));
            continue;
          }
        }
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
        // A call that began before the period turned counts in the last one (whose total is no longer kept).
        if (at >= book.periodStart) {
          book.spent += costUsd;
          book.counted += costUsd;
        }
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
