// The kinds of synced items, in the order they are applied (a node before its models and connections, models before combos).
import { comboKind } from "./combos.ts";
import { connectionKind } from "./connections.ts";
import { modelKind } from "./models.ts";
import { nodeKind } from "./nodes.ts";
import { settingsKind } from "./settings.ts";
import type { SyncKind, SyncKindName } from "./types.ts";

export const SYNC_KINDS: readonly SyncKind[] = [nodeKind, modelKind, connectionKind, comboKind, settingsKind];

export function syncKind(name: string): SyncKind | undefined {
  return SYNC_KINDS.find((k) => k.kind === name);
}

export type { LocalItem, SyncKind, SyncKindName } from "./types.ts";
export const KIND_ORDER: Record<SyncKindName, number> = Object.fromEntries(SYNC_KINDS.map((k, i) => [k.kind, i])) as Record<
  SyncKindName,
  number
>;
