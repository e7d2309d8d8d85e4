// Writes an in-memory state's snapshot to the store shortly after it changes (debounced), and at once on flush.
import { log } from "../log.ts";

export interface SnapshotWriter {
  /** Something changed: write within `delayMs`. */
  changed(): void;
  /** Write now if anything changed since the last write; resolves once no write is under way. */
  flush(): Promise<void>;
}

export function createSnapshotWriter(write: () => Promise<void>, delayMs: number): SnapshotWriter {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;
  /** The write under way (settled either way), so a flush at shutdown waits for the timer's. */
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!dirty) return writing;
    dirty = false;
    const done = writing.then(write);
    writing = done.catch(() => undefined);
    try {
      await done;
    } catch (err) {
      dirty = true; // written at the next flush (a full disk may have room again by then)
      throw err;
    }
  };
  return {
    changed() {
      dirty = true;
      if (timer) return;
      timer = setTimeout(() => {
        // A timer that fires after shutdown closed the database must not take the process down.
        flush().catch((err: unknown) => log.warn("state snapshot not written", err));
      }, delayMs);
      timer.unref();
    },
    flush,
  };
}
