// What each kind of synced item (provider node, custom model, connection, combo, settings) tells the sync engine.
import type { AccountPool } from "../../accounts/pool.ts";
import type { SecretBox } from "../../auth/secret-box.ts";
import type { Store } from "../../db/store.ts";
import type { CustomModels } from "../../providers/model-service.ts";
import type { ProviderRegistry } from "../../providers/registry.ts";
import type { ComboStore } from "../../routing/combos.ts";
import type { SettingsStore } from "../../settings/store.ts";

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

/** What synced kinds read and write: the database, sealed secrets, and the in-memory copies that hear of a change. */
export interface SyncDeps {
  store: Store;
  models: CustomModels;
  secrets: SecretBox;
  settings: SettingsStore;
  providers: ProviderRegistry;
  accounts: AccountPool;
  combos: ComboStore;
  /** Answers cached under the old configuration are dropped once pulled changes apply. */
  cache: { clear(): void };
}

export interface SyncKind {
  kind: SyncKindName;
  list(deps: SyncDeps): Promise<LocalItem[]>;
  /** Create or replace the item `localId` from a pulled payload (validated here; a bad one throws). */
  upsert(deps: SyncDeps, localId: string, payload: unknown): Promise<void>;
  /** Delete it here; gone already is fine. */
  remove(deps: SyncDeps, localId: string): Promise<void>;
  /** The unique key a pulled payload would take. */
  uniqueKeyOf?(payload: unknown): string | undefined;
  /** Re-read the caches built from this kind's rows once after a batch, and tell the other instances. */
  reload(deps: SyncDeps): Promise<void>;
}
