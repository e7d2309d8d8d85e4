// Provider connections as the API and dashboard see them: validated, credentials sealed, secrets masked.
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { maskSecret } from "../auth/secret-box.ts";
import {
  deleteConnection,
  getConnection,
  insertConnection,
  listConnections,
  updateConnection,
  type ConnectionRow,
} from "../db/queries/connections.ts";
import type { Store } from "../db/store.ts";
import type { SecretBox } from "../auth/secret-box.ts";
import type { AccountPool } from "./pool.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import { openCredentials } from "./pool.ts";
import { baseUrlSchema, withoutCredentials } from "../providers/base-url.ts";

/** Where connections are kept and sealed, the pool that must hear of a change, and the catalog they name. */
export interface ConnectionDeps {
  store: Store;
  secrets: SecretBox;
  accounts: AccountPool;
  providers: ProviderRegistry;
}

const LimitsSchema = z
  .object({
    rpm: z.number().int().min(0).max(100_000).optional(),
    minIntervalMs: z.number().int().min(0).max(3_600_000).optional(),
    maxConcurrent: z.number().int().min(0).max(10_000).optional(),
    /** The account's plan limit per locally counted quota window (requests or tokens, as the window counts). */
    quota: z
      .object({
        "5h": z.number().int().min(1).optional(),
        daily: z.number().int().min(1).optional(),
        weekly: z.number().int().min(1).optional(),
        monthly: z.number().int().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const ProxySchema = z
  .object({
    type: z.enum(["http", "https", "socks5"]),
    host: z.string().min(1).max(255),
    port: z.coerce.number().int().min(1).max(65535),
    username: z.string().max(255).optional(),
    password: z.string().max(1000).optional(),
  })
  .strict();

const httpUrl = baseUrlSchema;

export const ConnectionCreateSchema = z
  .object({
    provider: z.string().min(1).max(64),
    name: z.string().min(1).max(100).optional(),
    apiKey: z.string().min(1).max(10_000).optional(),
    baseUrl: httpUrl.nullable().optional(),
    priority: z.number().int().min(0).max(1000).optional(),
    isActive: z.boolean().optional(),
    limits: LimitsSchema.nullable().optional(),
    proxy: ProxySchema.nullable().optional(),
  })
  .strict();

export const ConnectionUpdateSchema = ConnectionCreateSchema.omit({ provider: true }).partial().strict();

export type ConnectionView = {
  id: string;
  provider: string;
  name: string;
  authType: ConnectionRow["authType"];
  apiKey: string | null;
  baseUrl: string | null;
  priority: number;
  isActive: boolean;
  limits: ConnectionRow["limits"];
  proxy: { type: string; host: string; port: number; username?: string; hasPassword: boolean } | null;
  metadata: ConnectionRow["metadata"];
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
};

export function connectionView(deps: ConnectionDeps, row: ConnectionRow): ConnectionView {
  const creds = openCredentials(deps.secrets, row.credentials);
  let proxy: ConnectionView["proxy"] = null;
  if (row.proxy) {
    try {
      const p = JSON.parse(deps.secrets.open(row.proxy)) as z.infer<typeof ProxySchema>;
      proxy = { type: p.type, host: p.host, port: p.port, username: p.username, hasPassword: Boolean(p.password) };
    } catch {
      /* unreadable under this key: shown as none */
    }
  }
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    authType: row.authType,
    apiKey: creds.apiKey ? maskSecret(creds.apiKey) : null,
    baseUrl: row.baseUrl === null ? null : withoutCredentials(row.baseUrl),
    priority: row.priority,
    isActive: row.isActive,
    limits: row.limits,
    proxy,
    metadata: row.metadata,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastUsedAt: row.lastUsedAt,
  };
}

export async function listConnectionViews(deps: ConnectionDeps, provider?: string): Promise<ConnectionView[]> {
  return (await listConnections(deps.store, provider)).map((row) => connectionView(deps, row));
}

export async function requireConnection(deps: ConnectionDeps, id: string): Promise<ConnectionRow> {
  const row = await getConnection(deps.store, id);
  if (!row) throw new GatewayError("not_found", `No provider connection with id "${id}".`, { code: "connection_not_found" });
  return row;
}

export async function createConnection(deps: ConnectionDeps, input: z.infer<typeof ConnectionCreateSchema>): Promise<ConnectionView> {
  const spec = deps.providers.get(input.provider);
  if (!spec) {
    throw new GatewayError(
      "invalid_request",
      `Unknown provider "${input.provider}". GET /api/providers/catalog lists them; custom ones are added with POST /api/provider-nodes.`,
      { param: "provider" },
    );
  }
  if (spec.authType === "api-key" && !input.apiKey) {
    throw new GatewayError("invalid_request", `Provider "${spec.id}" needs an apiKey.`, { param: "apiKey" });
  }
  if (spec.authType === "oauth" && input.apiKey === undefined) {
    throw new GatewayError(
      "invalid_request",
      `Provider "${spec.id}" connects with OAuth: use POST /api/oauth/${spec.id}/start, or pass an apiKey (token) directly.`,
      { param: "apiKey" },
    );
  }
  const existing = (await listConnections(deps.store, spec.id)).length;
  const row = await insertConnection(deps.store, {
    id: Bun.randomUUIDv7(),
    provider: spec.id,
    name: input.name ?? (existing ? `${spec.name} ${existing + 1}` : spec.name),
    authType: spec.authType === "oauth" ? "oauth" : "api-key",
    credentials: input.apiKey ? deps.secrets.seal(JSON.stringify({ apiKey: input.apiKey })) : null,
    baseUrl: input.baseUrl ?? null,
    priority: input.priority ?? existing + 1,
    isActive: input.isActive ?? true,
    limits: input.limits ?? null,
    proxy: input.proxy ? deps.secrets.seal(JSON.stringify(input.proxy)) : null,
  });
  await deps.accounts.changed();
  return connectionView(deps, row);
}

export async function updateConnectionById(
  deps: ConnectionDeps,
  id: string,
  input: z.infer<typeof ConnectionUpdateSchema>,
): Promise<ConnectionView> {
  const row = await requireConnection(deps, id);
  const patch: Parameters<typeof updateConnection>[2] = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.apiKey !== undefined) {
    const creds = openCredentials(deps.secrets, row.credentials);
    patch.credentials = deps.secrets.seal(JSON.stringify({ ...creds, apiKey: input.apiKey }));
  }
  if (input.baseUrl !== undefined) patch.baseUrl = input.baseUrl;
  if (input.priority !== undefined) patch.priority = input.priority;
  if (input.isActive !== undefined) patch.isActive = input.isActive;
  if (input.limits !== undefined) patch.limits = input.limits;
  if (input.proxy !== undefined) patch.proxy = input.proxy ? deps.secrets.seal(JSON.stringify(input.proxy)) : null;
  const updated = await updateConnection(deps.store, id, patch);
  if (!updated) throw new GatewayError("not_found", `No provider connection with id "${id}".`, { code: "connection_not_found" });
  await deps.accounts.changed();
  return connectionView(deps, updated);
}

export async function deleteConnectionById(deps: ConnectionDeps, id: string): Promise<void> {
  if (!(await deleteConnection(deps.store, id)))
    throw new GatewayError("not_found", `No provider connection with id "${id}".`, { code: "connection_not_found" });
  await deps.accounts.changed();
}

/** A connection from a completed OAuth login (or an imported CLI credential file). */
export async function createOAuthConnection(
  deps: ConnectionDeps,
  provider: string,
  credentials: Record<string, unknown>,
  profile: Record<string, unknown>,
): Promise<ConnectionView> {
  const spec = deps.providers.get(provider);
  if (!spec) throw new GatewayError("invalid_request", `Unknown provider "${provider}".`, { param: "provider" });
  const existing = await listConnections(deps.store, spec.id);
  const label = typeof profile.email === "string" ? profile.email : typeof profile.name === "string" ? profile.name : undefined;
  const row = await insertConnection(deps.store, {
    id: Bun.randomUUIDv7(),
    provider: spec.id,
    name: label ?? (existing.length ? `${spec.name} ${existing.length + 1}` : spec.name),
    authType: "oauth",
    credentials: deps.secrets.seal(JSON.stringify(credentials)),
    baseUrl: null,
    priority: existing.length + 1,
    isActive: true,
    limits: null,
    proxy: null,
    metadata: { ...profile, connectedAt: Date.now() },
  });
  await deps.accounts.changed();
  return connectionView(deps, row);
}
