// What each kind of synced item (provider node, custom model, connection, combo, settings) tells the sync engine.
import type { Services } from "../../services.ts";

export type SyncKindName = "node" | "model" | "connection" | "combo" | "settings";

/** One item as it is on this gateway now. */
export interface LocalItem {
  localId: string;
  /** How the dashboard names it (kept on this device: never sent in the clear). */
  label: string;
  /** When it last changed here (ms). */
  updatedAt: number;
  /** The content that syncs, credentials in the clear; undefined when this gateway cannot read it: it is left alone. */
  payload: unknown;
  /** Items of a kind with the same key cannot both exist here (combo names, node prefixes). */
  uniqueKey?: string;
}

export interface SyncKind {
  kind: SyncKindName;
  list(services: Services): LocalItem[];
  /** Create or replace the item `localId` from a pulled payload (validated here; a bad one throws). */
  upsert(services: Services, localId: string, payload: unknown): void;
  /** Delete it here; gone already is fine. */
  remove(services: Services, localId: string): void;
  /** The unique key a pulled payload would take. */
  uniqueKeyOf?(payload: unknown): string | undefined;
  /** Re-read the caches built from this kind's rows, once after a batch. */
  reload(services: Services): void;
}
