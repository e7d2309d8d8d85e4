// What a device remembers about sync (kept in the settings table): its id, the last rev pulled, what each item was when last synced, conflicts.
import { z } from "zod";
import type { Store } from "../db/store.ts";
import { readSetting, writeSetting } from "../db/queries/settings.ts";

const STATE_KEY = "sync.client";
/** Conflicts kept for the status page, newest first. */
export const MAX_CONFLICTS = 50;

const LedgerEntrySchema = z.object({
  kind: z.string(),
  localId: z.string(),
  /** The cloud's rev of the document when this device last saw or wrote it. */
  rev: z.number().int(),
  /** Keyed digest of the item's content as it was then ("" when it was not here). */
  digest: z.string(),
  deleted: z.boolean(),
  /** When the author changed it (ms): the time conflicts compare. */
  updatedAt: z.number(),
  /** When this device noticed the item gone, so its deletion has a time too. */
  goneAt: z.number().optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

const ConflictSchema = z.object({
  kind: z.string(),
  /** The item's id on this gateway (connection, node or combo id; `provider/model`; "app" for settings). */
  id: z.string(),
  /** Its name here, for people. */
  name: z.string(),
  /** The devices whose version was kept and whose was discarded: `host (device id)`. */
  keptFrom: z.string(),
  discardedFrom: z.string(),
  reason: z.enum(["edited on both", "same name"]),
  at: z.number(),
});
export type ConflictRecord = z.infer<typeof ConflictSchema>;

const SyncStateSchema = z.object({
  /** Which passphrase, space and cloud the ledger belongs to. */
  fingerprint: z.string(),
  deviceId: z.string(),
  lastPulledRev: z.number().int(),
  lastPushAt: z.number().nullable(),
  lastPullAt: z.number().nullable(),
  /** By document id. */
  ledger: z.record(z.string(), LedgerEntrySchema),
  conflicts: z.array(ConflictSchema),
});
export type SyncState = z.infer<typeof SyncStateSchema>;

export function freshState(deviceId: string, fingerprint: string, conflicts: ConflictRecord[] = []): SyncState {
  return { fingerprint, deviceId, lastPulledRev: 0, lastPushAt: null, lastPullAt: null, ledger: {}, conflicts };
}

/** The stored state, or undefined when there is none (or it is unreadable: then sync starts over). */
export async function loadState(store: Store): Promise<SyncState | undefined> {
  return SyncStateSchema.safeParse(await readSetting<unknown>(store, STATE_KEY)).data;
}

export async function saveState(store: Store, state: SyncState): Promise<void> {
  await writeSetting(store, STATE_KEY, state);
}

export function recordConflicts(state: SyncState, conflicts: ConflictRecord[]): void {
  if (!conflicts.length) return;
  state.conflicts = [...conflicts.reverse(), ...state.conflicts].slice(0, MAX_CONFLICTS);
}
