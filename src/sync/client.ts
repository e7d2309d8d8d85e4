// Cloud sync in the background: at startup, every interval and shortly after a local change; one exchange at a time; failures reported once, retried next time.
import { hostname } from "node:os";
import type { CloudSyncConfig } from "../config.ts";
import type { Store } from "../db/store.ts";
import { log } from "../log.ts";
import type { SyncDeps } from "./kinds/types.ts";
import { deriveSyncKeys, type SyncKeys } from "./crypto.ts";
import { exchange } from "./engine.ts";
import type { Device } from "./reconcile.ts";
import { freshState, loadState, saveState, type ConflictRecord, type SyncState } from "./state.ts";
import { CloudSyncError, createCloudTransport, displayUrl } from "./transport.ts";

/** A burst of dashboard edits becomes one exchange. */
const DEBOUNCE_MS = 1_000;
/** Exchanges in a row when another device wrote the same documents meanwhile. */
const MAX_ROUNDS = 3;

export interface SyncStatus {
  enabled: boolean;
  cloudUrl: string | null;
  space: string | null;
  device: Device | null;
  intervalSeconds: number | null;
  running: boolean;
  lastAttemptAt: number | null;
  /** The last exchange that completed without an error. */
  lastSyncAt: number | null;
  lastPullAt: number | null;
  lastPushAt: number | null;
  lastPulledRev: number;
  lastError: string | null;
  lastErrorAt: number | null;
  /** Newest first. */
  conflicts: ConflictRecord[];
}

export interface CloudSync {
  status(): SyncStatus;
  /** Sync now and then every interval (main.ts calls it once the server listens). */
  start(): void;
  /** Stop the timers and abort calls in flight. */
  stop(): Promise<void>;
  /** One exchange (joined to one already running); resolves with the status after it, never rejects. */
  syncNow(): Promise<SyncStatus>;
  /** A local write happened: sync shortly (only once started). */
  noteLocalChange(): void;
  /** The database was replaced (import): re-read the stored sync state, keeping this device's id. */
  reload(): Promise<void>;
}

export async function createCloudSync(config: CloudSyncConfig | undefined, store: Store, services: () => SyncDeps): Promise<CloudSync> {
  let state = await loadState(store);
  if (!config) return disabledSync(state?.conflicts ?? []);
  const cfg = config;
  const me: Device = { id: state?.deviceId ?? crypto.randomUUID(), name: hostname() || "omniroute" };
  /** Keys derived for the salt the cloud gave (derived again only if it gives another). */
  let keys: { salt: string; derived: Promise<SyncKeys> } | undefined;
  let abort = new AbortController();
  let started = false;
  let interval: ReturnType<typeof setInterval> | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let generation = 0;
  const facts = {
    lastAttemptAt: null as number | null,
    lastSyncAt: null as number | null,
    lastError: null as string | null,
    lastErrorAt: null as number | null,
  };

  function fail(message: string, err?: unknown) {
    facts.lastErrorAt = Date.now();
    // Logged once: the same failure at every interval is not news.
    if (message !== facts.lastError) {
      if (err instanceof CloudSyncError || err === undefined) log.warn(`cloud sync: ${message}`);
      else log.error("cloud sync failed", err);
    }
    facts.lastError = message;
  }

  function succeed() {
    if (facts.lastError) log.info("cloud sync: working again");
    facts.lastError = null;
    facts.lastErrorAt = null;
    facts.lastSyncAt = Date.now();
  }

  async function cycle() {
    facts.lastAttemptAt = Date.now();
    const gen = generation;
    const isCurrent = () => gen === generation;
    let current: SyncState | undefined;
    try {
      const transport = createCloudTransport(cfg, abort.signal);
      const { salt } = await transport.space();
      if (keys?.salt !== salt) keys = { salt, derived: deriveSyncKeys(cfg.passphrase, cfg.space, salt) };
      const k = await keys.derived;
      if (!isCurrent()) return;
      // Another salt (a new space on the cloud) gives other keys, so another fingerprint: everything is sent again.
      const fingerprint = k.fingerprint(cfg.url);
      if (!state || state.fingerprint !== fingerprint) state = freshState(me.id, fingerprint, state?.conflicts);
      current = state;
      let rejected = 0;
      for (let round = 1; round <= MAX_ROUNDS; round++) {
        const result = await exchange({ services: services(), keys: k, transport, state: current, me, space: cfg.space, isCurrent });
        if (result.failures.length) {
          fail(
            `${result.failures.length} pulled document(s) could not be applied here; they are retried at each sync. First: ${result.failures[0]!.message}`,
          );
          return;
        }
        rejected = result.rejected;
        if (!rejected) break;
      }
      if (rejected)
        fail(
          `${rejected} change(s) were written meanwhile by another device ${MAX_ROUNDS} times in a row; they are sent again at the next sync.`,
        );
      else succeed();
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err), err);
    } finally {
      // Saving the sync state may fail (a full disk): said like any sync failure, never thrown out of a timer.
      try {
        if (current && isCurrent()) await saveState(store, current);
      } catch (err) {
        fail(`sync state not saved: ${err instanceof Error ? err.message : String(err)}`, err);
      }
    }
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await cycle();
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  const status = (): SyncStatus => ({
    enabled: true,
    cloudUrl: displayUrl(cfg.url),
    space: cfg.space,
    device: me,
    intervalSeconds: cfg.intervalSeconds,
    running: running !== undefined,
    ...facts,
    lastPullAt: state?.lastPullAt ?? null,
    lastPushAt: state?.lastPushAt ?? null,
    lastPulledRev: state?.lastPulledRev ?? 0,
    conflicts: state?.conflicts ?? [],
  });

  return {
    status,
    start() {
      if (started) return;
      started = true;
      if (abort.signal.aborted) abort = new AbortController();
      void run();
      interval = setInterval(() => void run(), cfg.intervalSeconds * 1000);
      interval.unref();
    },
    async stop() {
      started = false;
      again = false;
      clearInterval(interval);
      clearTimeout(debounce);
      abort.abort();
      await running;
    },
    async syncNow() {
      if (abort.signal.aborted) abort = new AbortController();
      await run();
      return status();
    },
    noteLocalChange() {
      if (!started) return;
      clearTimeout(debounce);
      debounce = setTimeout(() => void run(), DEBOUNCE_MS);
      debounce.unref();
    },
    async reload() {
      generation++;
      const loaded = await loadState(store);
      state = loaded ? { ...loaded, deviceId: me.id } : undefined;
    },
  };
}

function disabledSync(conflicts: ConflictRecord[]): CloudSync {
  const status = (): SyncStatus => ({
    enabled: false,
    cloudUrl: null,
    space: null,
    device: null,
    intervalSeconds: null,
    running: false,
    lastAttemptAt: null,
    lastSyncAt: null,
    lastPullAt: null,
    lastPushAt: null,
    lastPulledRev: 0,
    lastError: null,
    lastErrorAt: null,
    conflicts,
  });
  return {
    status,
    start() {},
    async stop() {},
    async syncNow() {
      return status();
    },
    noteLocalChange() {},
    async reload() {},
  };
}
