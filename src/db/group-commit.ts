// Group commit with a bounded backlog: rows queued in one event-loop turn commit together at its end (one commit at a
// time: rows queued while one is under way go in the next); rows the database cannot take now (disk full, I/O error,
// PostgreSQL unreachable) are held in memory, retried every second, written when it takes them again, and the
// failure is logged at most once a minute and reported by status().
import { log } from "../log.ts";
import { describeStorageFault, storageFaultOf, type StorageFault } from "./storage-fault.ts";

export interface RowWriterStatus {
  /** Rows are committed as they come. */
  writing: boolean;
  /** When the first row that could not be written failed (epoch ms); null while writing. */
  failingSince: number | null;
  fault: StorageFault | null;
  /** What went wrong, in words a person can act on. */
  error: string | null;
  /** Rows held in memory, written when the database takes them again. */
  pending: number;
  /** The most rows held; past it the oldest are dropped. */
  maxPending: number;
  /** Rows lost since start: held past `maxPending`, refused by the database one by one, or left at close. */
  dropped: number;
}

export interface RowWriter<T> {
  /** Queue a row; rows queued in the same turn of the event loop are committed together. */
  insert(row: T): void;
  /**
   * Resolves once every row queued so far is committed, or held because the database cannot take it now
   * (status() says so): a client is served either way.
   */
  written(): Promise<void>;
  /** Commit what is queued now, and try the held rows again (periodic flush, shutdown, tests); resolves when done. */
  flush(): Promise<void>;
  status(): RowWriterStatus;
}

export interface GroupCommitOptions {
  /** What the rows are, for the log ("usage rows"). */
  what: string;
  /** Where the database lives, for the log and status ("/var/lib/omniroute"). */
  where: string;
  maxPending?: number;
  retryMs?: number;
  logEveryMs?: number;
  /**
   * A commit without an answer after this long (a database behind a network partition: nothing fails, nothing
   * arrives) counts as the database unreachable: its waiters are released, rows queued meanwhile are held, and the
   * commit itself goes on (written when it is answered, held if it fails: never sent twice). Unset: no bound
   * (bun:sqlite answers synchronously).
   */
  stallMs?: number;
}

export const DEFAULT_MAX_PENDING = 20_000;
const RETRY_MS = 1_000;
const LOG_EVERY_MS = 60_000;
/** Held rows are written back in transactions of this many, so a retry on a still-full disk stays cheap. */
const RETRY_BATCH = 1_000;

/** The driver's own words: drizzle wraps them in "Failed query: <the statement and every row's values>", which the log need not repeat. */
function driverMessage(err: unknown): string {
  let e = err;
  for (let depth = 0; e instanceof Error && e.cause instanceof Error && depth < 5; depth++) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/**
 * `commit` writes its rows in one transaction (or one multi-row insert) or throws; it may be synchronous (bun:sqlite)
 * or return a promise (PostgreSQL), which `written()` then waits for.
 */
export function createGroupCommit<T>(commit: (rows: T[]) => void | Promise<void>, opts: GroupCommitOptions): RowWriter<T> {
  const maxPending = opts.maxPending ?? DEFAULT_MAX_PENDING;
  const retryMs = opts.retryMs ?? RETRY_MS;
  const logEveryMs = opts.logEveryMs ?? LOG_EVERY_MS;
  let queue: T[] = [];
  let done: Promise<void> | undefined;
  let resolveDone: (() => void) | undefined;
  let backlog: T[] = [];
  let failing: { since: number; fault: StorageFault; error: string } | undefined;
  let dropped = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let lastLogAt = 0;
  /** The commits and retries, one after another: the last one started (each waits for the one before). */
  let chain: Promise<void> = Promise.resolve();
  /** The last commit of queued rows started, until it is done (written() waits for it when nothing else is queued). */
  let committing: Promise<void> | undefined;
  /** The database was closed under the writer (the end of shutdown): nothing can be written any more. */
  let closed = false;

  /** Keep rows for later: new ones at the end, ones taken back from the backlog at its front (oldest first). */
  const hold = (rows: T[], atFront: boolean) => {
    if (atFront) backlog = rows.concat(backlog);
    else for (const r of rows) backlog.push(r);
    const over = backlog.length - maxPending;
    if (over > 0) {
      backlog.splice(0, over);
      dropped += over;
    }
  };

  const fail = (fault: StorageFault, err: unknown) => {
    const error = `${describeStorageFault(fault, opts.where)} (${driverMessage(err)})`;
    const now = Date.now();
    if (!failing) {
      failing = { since: now, fault, error };
      lastLogAt = now;
      log.error(
        `${opts.what} cannot be written: ${error}. Requests are still served; the rows are held in memory (at most ` +
          `${maxPending.toLocaleString("en-US")}) and written when the database takes them again.`,
      );
    } else {
      failing.fault = fault;
      failing.error = error;
      if (now - lastLogAt >= logEveryMs) {
        lastLogAt = now;
        log.error(
          `${opts.what} still cannot be written after ${Math.round((now - failing.since) / 1000)} s: ${error}; ` +
            `${backlog.length} held in memory, ${dropped} lost.`,
        );
      }
    }
    scheduleRetry();
  };

  /** One retry timer at a time, however many writes failed meanwhile. */
  const scheduleRetry = () => {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(retry, retryMs);
    retryTimer.unref?.();
  };

  /** Write `rows` one transaction each, dropping those the database refuses (a bug, not the disk); held on a storage fault. */
  const writeOneByOne = async (rows: T[], atFront: boolean) => {
    for (let i = 0; i < rows.length; i++) {
      try {
        await commit([rows[i]!]);
      } catch (err) {
        const fault = storageFaultOf(err);
        if (fault === "closed") {
          closed = true;
          dropped += rows.length - i;
          return;
        }
        if (fault) {
          hold(rows.slice(i), atFront);
          fail(fault, err);
          return;
        }
        dropped++;
        log.error(`one of the ${opts.what} was refused by the database and dropped`, err);
      }
    }
  };

  /** Commit rows; on failure hold them (storage fault) or write them one by one (a row the database refuses). */
  const write = async (rows: T[], atFront: boolean) => {
    try {
      await commit(rows);
    } catch (err) {
      const fault = storageFaultOf(err);
      if (fault === "closed") {
        closed = true;
        dropped += rows.length;
      } else if (fault) {
        hold(rows, atFront);
        fail(fault, err);
      } else await writeOneByOne(rows, atFront);
    }
  };

  /** Write the held rows back, oldest first; stops at the first storage fault (they stay held). */
  const drain = async () => {
    while (backlog.length) {
      const batch = backlog.slice(0, RETRY_BATCH);
      backlog = backlog.slice(batch.length);
      await write(batch, true);
      if (closed) {
        dropped += backlog.length;
        backlog = [];
        return;
      }
      if (failing && backlog.length && backlog[0] === batch[0]) return; // held again: the database still cannot take them
    }
    if (failing) {
      log.info(
        `${opts.what} are written again after ${Math.round((Date.now() - failing.since) / 1000)} s; every held row is written (${dropped} lost since start).`,
      );
      failing = undefined;
    }
  };

  /** Runs `step` after every commit and retry started before it; never rejects. */
  const inTurn = (step: () => Promise<void>): Promise<void> => {
    chain = chain.then(step).catch((err: unknown) => log.error(`${opts.what}: commit failed`, err));
    return chain;
  };

  function retry() {
    retryTimer = undefined;
    // A timer's callback that threw would end the process: nothing here may (inTurn catches).
    void inTurn(async () => {
      await drain();
      if (failing) scheduleRetry();
    });
  }

  /**
   * The end of a turn: commit what is queued (or hold it while the database cannot take rows), then free the waiters.
   * The rows are taken when the commit starts, so rows queued while another commit is under way go in together.
   * While the database is failing they are held at once: a client never waits behind a retry.
   */
  const commitTurn = (): Promise<void> => {
    if (failing) {
      hold(queue, false);
      queue = [];
      resolveDone?.();
      done = resolveDone = undefined;
      return Promise.resolve();
    }
    let released!: () => void;
    /** Resolves when this commit's rows are in, held, or stalled (what its waiters wait for). */
    const settled = new Promise<void>((resolve) => {
      released = resolve;
    });
    const step = inTurn(async () => {
      const rows = queue;
      const resolve = resolveDone;
      queue = [];
      done = resolveDone = undefined;
      let stallTimer: ReturnType<typeof setTimeout> | undefined;
      try {
        if (rows.length) {
          if (failing) hold(rows, false);
          else {
            if (opts.stallMs !== undefined)
              stallTimer = setTimeout(() => {
                stalled(opts.stallMs!);
                resolve?.();
                released();
              }, opts.stallMs);
            await write(rows, false);
          }
        }
      } finally {
        clearTimeout(stallTimer);
        resolve?.();
        released();
        // A commit that stalled, answered at last: the rows held meanwhile go at the next retry, which ends the outage.
        if (failing) scheduleRetry();
      }
    });
    committing = settled;
    void settled.then(() => {
      if (committing === settled) committing = undefined;
    });
    return settled;
  };

  /** A commit has had no answer for `ms`: count the database unreachable until it answers (see `stallMs`). */
  const stalled = (ms: number) => {
    if (failing) return;
    failing = {
      since: Date.now(),
      fault: "unreachable",
      error: `${describeStorageFault("unreachable", opts.where)} (no answer within ${ms} ms)`,
    };
    lastLogAt = failing.since;
    log.error(
      `${opts.what} cannot be written: ${failing.error}. Requests are still served; the rows are held in memory (at most ` +
        `${maxPending.toLocaleString("en-US")}) and written when the database answers again.`,
    );
  };

  return {
    insert(row) {
      queue.push(row);
      if (queue.length === 1) setImmediate(commitTurn);
    },
    written() {
      if (!queue.length) return committing ?? Promise.resolve();
      done ??= new Promise<void>((resolve) => {
        resolveDone = resolve;
      });
      return done;
    },
    async flush() {
      await commitTurn();
      if (!failing || closed) return;
      const drained = inTurn(drain);
      // Behind a commit without an answer (a partition), a flush (at shutdown, say) waits no longer than it did.
      if (opts.stallMs === undefined) await drained;
      else await Promise.race([drained, Bun.sleep(opts.stallMs)]);
    },
    status() {
      return {
        writing: !failing,
        failingSince: failing?.since ?? null,
        fault: failing?.fault ?? null,
        error: failing?.error ?? null,
        pending: backlog.length,
        maxPending,
        dropped,
      };
    },
  };
}
