// Writes an in-memory state's snapshot to SQLite shortly after it changes (debounced), and at once on flush.
import { log } from "../log.ts";

export interface SnapshotWriter {
  /** Something changed: write within `delayMs`. */
  changed(): void;
  /** Write now if anything changed since the last write. */
  flush(): void;
}

export function createSnapshotWriter(write: () => void, delayMs: number): SnapshotWriter {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    try {
      write();
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
        try {
          flush();
        } catch (err) {
          log.warn("state snapshot not written", err);
        }
      }, delayMs);
      timer.unref();
    },
    flush,
  };
}
