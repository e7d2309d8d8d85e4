// Pure decisions of sync: which pulled documents to apply, which conflicts arose (last write wins), what to push.
import { syncKind, type LocalItem, type SyncKindName } from "./kinds/index.ts";
import type { ConflictRecord, LedgerEntry } from "./state.ts";

/** What travels inside a document's ciphertext. */
export interface Envelope {
  v: 1;
  kind: SyncKindName;
  localId: string;
  label: string;
  updatedAt: number;
  deleted: boolean;
  device: { id: string; name: string };
  payload: unknown;
}

export interface PulledDocument {
  id: string;
  rev: number;
  envelope: Envelope;
}

/** A local item with its document id and content digest (undefined: unreadable here, left alone). */
export interface SnapshotItem extends LocalItem {
  kind: SyncKindName;
  id: string;
  digest: string | undefined;
}

export type Snapshot = Map<string, SnapshotItem>;

export interface Device {
  id: string;
  name: string;
}

export type PullAction =
  | { type: "upsert"; doc: PulledDocument; ledger: LedgerEntry }
  | { type: "remove"; kind: SyncKindName; localId: string; docId: string; rev: number; ledger?: LedgerEntry };

export interface PullPlan {
  actions: PullAction[];
  /** Ledger entries to write now (documents that need no change here). */
  ledger: Record<string, LedgerEntry>;
  conflicts: ConflictRecord[];
  /** Documents older than the version this device last synced (a replayed or rolled-back copy): not applied, ours sent again. */
  refused: Array<{ kind: string; localId: string }>;
}

export interface PushItem {
  id: string;
  kind: SyncKindName;
  localId: string;
  label: string;
  deleted: boolean;
  updatedAt: number;
  baseRev: number;
  digest: string;
  payload: unknown;
}

type LocalChange = { changed: false } | { changed: true; at: number; deleted: boolean };

export const deviceLabel = (d: Device) => `${d.name} (${d.id.slice(0, 8)})`;

/** Did the item change here since it was last synced, and when? */
export function localChange(item: SnapshotItem | undefined, entry: LedgerEntry | undefined, now: number): LocalChange {
  if (item && item.digest === undefined) return { changed: false };
  if (!entry) return item ? { changed: true, at: item.updatedAt, deleted: false } : { changed: false };
  if (!item) return entry.deleted ? { changed: false } : { changed: true, at: entry.goneAt ?? now, deleted: true };
  if (!entry.deleted && item.digest === entry.digest) return { changed: false };
  // A change is newer than the version it replaced, even when the row keeps no time of its own (custom models).
  return { changed: true, at: Math.max(item.updatedAt, entry.updatedAt + 1), deleted: false };
}

/** Later write wins; the same millisecond goes to the higher device id, so every device decides alike. */
function remoteWins(remote: { updatedAt: number; deviceId: string }, localAt: number, me: Device): boolean {
  return remote.updatedAt > localAt || (remote.updatedAt === localAt && remote.deviceId > me.id);
}

export function planPull(input: {
  docs: PulledDocument[];
  snapshot: Snapshot;
  ledger: Record<string, LedgerEntry>;
  me: Device;
  now: number;
  digestOf: (payload: unknown) => string;
}): PullPlan {
  const { snapshot, ledger, me, now } = input;
  const plan: PullPlan = { actions: [], ledger: {}, conflicts: [], refused: [] };
  const removedHere = new Set<string>();
  const conflict = (kind: string, id: string, name: string, kept: string, discarded: string, reason: ConflictRecord["reason"]) =>
    plan.conflicts.push({ kind, id, name, keptFrom: kept, discardedFrom: discarded, reason, at: now });

  for (const doc of input.docs) {
    const e = doc.envelope;
    const entry = ledger[doc.id];
    if (entry && entry.rev >= doc.rev) continue; // seen already (this device's own write comes back this way)
    const item = snapshot.get(doc.id);
    if (entry && e.updatedAt < entry.updatedAt) {
      // Never a regression: the version this device has is pushed over the replayed one (its deletion, if it is gone here).
      plan.refused.push({ kind: e.kind, localId: e.localId });
      plan.ledger[doc.id] = entry.deleted
        ? { ...entry, rev: doc.rev, deleted: false, digest: "", goneAt: now }
        : { ...entry, rev: doc.rev, digest: item?.digest === undefined ? entry.digest : "" };
      continue;
    }
    const remote: LedgerEntry = {
      kind: e.kind,
      localId: e.localId,
      rev: doc.rev,
      deleted: e.deleted,
      updatedAt: e.updatedAt,
      digest: e.deleted ? "" : input.digestOf(e.payload),
    };
    const them = deviceLabel(e.device);
    const change = localChange(item, entry, now);
    if (change.changed) {
      const same = e.deleted ? change.deleted : !change.deleted && item?.digest === remote.digest;
      if (same) {
        plan.ledger[doc.id] = remote;
        continue;
      }
      const theyWin = remoteWins({ updatedAt: e.updatedAt, deviceId: e.device.id }, change.at, me);
      conflict(
        e.kind,
        e.localId,
        item?.label ?? e.label,
        theyWin ? them : deviceLabel(me),
        theyWin ? deviceLabel(me) : them,
        "edited on both",
      );
      if (!theyWin) {
        // Ours is pushed over theirs: remember their rev as the base, keep our change pending.
        plan.ledger[doc.id] = entry ? { ...entry, rev: doc.rev } : { ...remote, digest: "", deleted: false };
        continue;
      }
    }
    if (e.deleted) {
      if (item) {
        plan.actions.push({ type: "remove", kind: e.kind, localId: e.localId, docId: doc.id, rev: doc.rev, ledger: remote });
        removedHere.add(doc.id);
      } else {
        plan.ledger[doc.id] = remote;
      }
      continue;
    }
    const key = syncKind(e.kind)?.uniqueKeyOf?.(e.payload);
    const clash =
      key === undefined
        ? undefined
        : [...snapshot.values()].find((o) => o.kind === e.kind && o.uniqueKey === key && o.id !== doc.id && !removedHere.has(o.id));
    if (clash) {
      const clashChange = localChange(clash, ledger[clash.id], now);
      const clashAt = clashChange.changed ? clashChange.at : (ledger[clash.id]?.updatedAt ?? clash.updatedAt);
      const theyWin = remoteWins({ updatedAt: e.updatedAt, deviceId: e.device.id }, clashAt, me);
      conflict(e.kind, clash.localId, clash.label, theyWin ? them : deviceLabel(me), theyWin ? deviceLabel(me) : them, "same name");
      if (theyWin) {
        // Ours goes; if it was synced, its deletion is pushed like any other.
        plan.actions.push({ type: "remove", kind: clash.kind, localId: clash.localId, docId: clash.id, rev: doc.rev });
        removedHere.add(clash.id);
      } else {
        // Theirs is not taken in, and is deleted in the cloud: a live entry with nothing here becomes a pushed deletion.
        plan.ledger[doc.id] = { ...remote, digest: "", goneAt: now };
        continue;
      }
    }
    plan.actions.push({ type: "upsert", doc, ledger: remote });
  }
  return plan;
}

/** Notes when synced items went missing here, so a deletion carries the time it was noticed. */
export function stampDeletions(snapshot: Snapshot, ledger: Record<string, LedgerEntry>, now: number): boolean {
  let changed = false;
  for (const [id, entry] of Object.entries(ledger)) {
    const gone = !entry.deleted && !snapshot.has(id);
    if (gone && entry.goneAt === undefined) {
      entry.goneAt = now;
      changed = true;
    } else if (!gone && entry.goneAt !== undefined) {
      delete entry.goneAt;
      changed = true;
    }
  }
  return changed;
}

/** Every local change since the last sync: new and edited items, and deletions of synced ones. */
export function planPush(snapshot: Snapshot, ledger: Record<string, LedgerEntry>, now: number): PushItem[] {
  const out: PushItem[] = [];
  for (const item of snapshot.values()) {
    const entry = ledger[item.id];
    const change = localChange(item, entry, now);
    if (!change.changed || item.digest === undefined) continue;
    out.push({
      id: item.id,
      kind: item.kind,
      localId: item.localId,
      label: item.label,
      deleted: false,
      updatedAt: change.at,
      baseRev: entry?.rev ?? 0,
      digest: item.digest,
      payload: item.payload,
    });
  }
  for (const [id, entry] of Object.entries(ledger)) {
    if (entry.deleted || snapshot.has(id)) continue;
    out.push({
      id,
      kind: entry.kind as SyncKindName,
      localId: entry.localId,
      label: entry.localId,
      deleted: true,
      // Later than the version it deletes, so the cloud never takes it for a regression.
      updatedAt: Math.max(entry.goneAt ?? now, entry.updatedAt + 1),
      baseRev: entry.rev,
      digest: "",
      payload: null,
    });
  }
  return out;
}
