// Saving in-memory state to the database: every few seconds (a timer that never throws, and says at most once a
// minute that saving fails) and once at shutdown, closing the database even when the disk is full.
import type { UsageRecorder } from "../usage/recorder.ts";
import { log } from "../log.ts";
import { closeDatabase } from "./client.ts";
import type { Store } from "./store.ts";

const LOG_EVERY_MS = 60_000;

/** Calls `save` every `everyMs` (not again while one is under way); a failure is logged (at most once a minute) and never leaves the timer. */
export function startPeriodicSave(save: () => Promise<void>, everyMs: number): { stop(): void } {
  let lastLogAt = 0;
  let failing = false;
  let saving = false;
  const timer = setInterval(async function saveState() {
    if (saving) return;
    saving = true;
    try {
      await save();
      if (failing) log.info("in-memory state is saved to the database again");
      failing = false;
    } catch (err) {
      failing = true;
      const now = Date.now();
      if (now - lastLogAt < LOG_EVERY_MS) return;
      lastLogAt = now;
      log.error("in-memory state (last-used times, breakers, quotas, rollups) not saved; retried every few seconds", err);
    } finally {
      saving = false;
    }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * The last save at shutdown, then the database closed. Returns how many usage rows were still held in memory
 * (the database would not take them) and are lost with the process.
 */
export async function saveAndClose(save: () => Promise<void>, usage: Pick<UsageRecorder, "status">, store: Store): Promise<number> {
  try {
    await save();
  } catch (err) {
    log.error("in-memory state not saved at shutdown", err);
  }
  const lost = usage.status().pending;
  try {
    if (store.dialect === "sqlite") closeDatabase(store.sqlite);
    else await (await import("./pg-store.ts")).closePostgresStore(store);
  } catch (err) {
    // What was committed is in the write-ahead log beside the database file; SQLite reads it at the next start.
    log.warn("database closed without its final checkpoint; its write-ahead log is applied at the next start", err);
  }
  if (lost) {
    const { error } = usage.status();
    log.error(`${lost} usage row(s) held in memory could not be written before exit and are lost: ${error ?? "the database refused them"}`);
  }
  return lost;
}
