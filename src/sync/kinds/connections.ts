// Provider connections as sync items: credentials travel inside the sync ciphertext and are re-sealed with this gateway's ENCRYPTION_KEY.
import { z } from "zod";
import {
  deleteConnection,
  getConnection,
  insertConnection,
  listConnections,
  updateConnection,
  type ConnectionRow,
} from "../../db/queries/connections.ts";
import type { LocalItem, SyncDeps, SyncKind } from "./types.ts";

const ConnectionPayload = z.object({
  provider: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  authType: z.enum(["api-key", "oauth", "none"]),
  credentials: z.record(z.string(), z.unknown()).nullable(),
  baseUrl: z.string().max(2000).nullable(),
  priority: z.number().int(),
  isActive: z.boolean(),
  limits: z.object({ rpm: z.number().optional(), minIntervalMs: z.number().optional(), maxConcurrent: z.number().optional() }).nullable(),
  proxy: z.record(z.string(), z.unknown()).nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});

/** The sealed JSON opened, or undefined when it was sealed with another ENCRYPTION_KEY. */
function openJson(services: SyncDeps, sealed: string | null): Record<string, unknown> | null | undefined {
  if (!sealed) return null;
  try {
    return JSON.parse(services.secrets.open(sealed)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function toItem(services: SyncDeps, row: ConnectionRow): LocalItem {
  const credentials = openJson(services, row.credentials);
  const proxy = openJson(services, row.proxy);
  const readable = credentials !== undefined && proxy !== undefined;
  return {
    localId: row.id,
    label: `${row.name} (${row.provider})`,
    updatedAt: row.updatedAt,
    payload: readable
      ? {
          provider: row.provider,
          name: row.name,
          authType: row.authType,
          credentials,
          baseUrl: row.baseUrl,
          priority: row.priority,
          isActive: row.isActive,
          limits: row.limits ?? null,
          proxy,
          metadata: row.metadata ?? null,
        }
      : undefined,
  };
}

export const connectionKind: SyncKind = {
  kind: "connection",
  list: async (services) => (await listConnections(services.store)).map((row) => toItem(services, row)),
  async upsert(services, localId, payload) {
    const p = ConnectionPayload.parse(payload);
    if (!services.providers.get(p.provider)) throw new Error(`provider "${p.provider}" is not known on this gateway`);
    const row = {
      provider: p.provider,
      name: p.name,
      authType: p.authType,
      credentials: p.credentials ? services.secrets.seal(JSON.stringify(p.credentials)) : null,
      baseUrl: p.baseUrl,
      priority: p.priority,
      isActive: p.isActive,
      limits: p.limits,
      proxy: p.proxy ? services.secrets.seal(JSON.stringify(p.proxy)) : null,
      metadata: p.metadata,
    };
    if (await getConnection(services.store, localId)) await updateConnection(services.store, localId, row);
    else await insertConnection(services.store, { id: localId, ...row });
  },
  async remove(services, localId) {
    await deleteConnection(services.store, localId);
  },
  reload: (services) => services.accounts.changed(),
};
