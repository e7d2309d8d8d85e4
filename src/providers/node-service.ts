// Custom provider nodes as the API and dashboard see them: validated, prefix kept unique, registry reloaded on change.
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { listConnections } from "../db/queries/connections.ts";
import { deleteProviderModelsOf } from "../db/queries/provider-models.ts";
import {
  deleteProviderNode,
  getProviderNode,
  insertProviderNode,
  listProviderNodes,
  updateProviderNode,
  type ProviderNodeRow,
} from "../db/queries/provider-nodes.ts";
import type { Store } from "../db/store.ts";
import type { SecretBox } from "../auth/secret-box.ts";
import type { CustomModels } from "./model-service.ts";
import type { ProviderRegistry } from "./registry.ts";
import { baseUrlSchema, withoutCredentials } from "./base-url.ts";
import { maskNodeHeaders, mergeMaskedHeaders, openNodeHeaders, sealNodeHeaders } from "./node-headers.ts";

/** What custom nodes are kept in, and the registry (and custom models) that must hear of a change. */
export interface NodeDeps {
  store: Store;
  providers: ProviderRegistry;
  models: CustomModels;
  /** Seals header values at rest (they are often credentials). */
  secrets: SecretBox;
}

export const NODE_API_TYPES = ["openai", "anthropic", "responses", "gemini"] as const;

export const NodeInputSchema = z
  .object({
    name: z.string().min(1).max(100),
    prefix: z.string().regex(/^[a-z0-9][a-z0-9-_.]{0,39}$/i, "must be 1-40 letters, digits, '-', '_' or '.' (it becomes the model prefix)"),
    apiType: z.enum(NODE_API_TYPES),
    baseUrl: baseUrlSchema,
    headers: z.record(z.string().max(200), z.string().max(4000)).optional(),
  })
  .strict();

export const NodeUpdateSchema = NodeInputSchema.partial().strict();

export type NodeInput = z.infer<typeof NodeInputSchema>;

export interface NodeView {
  id: string;
  name: string;
  prefix: string;
  apiType: ProviderNodeRow["apiType"];
  baseUrl: string;
  /** Every value masked: the headers are sealed at rest and never returned in clear. */
  headers: Record<string, string>;
  /** True when the headers were sealed with another ENCRYPTION_KEY (an imported database): set them again. */
  headersUnreadable: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Base URLs are stored as the format's official SDK takes them; a trailing slash is trimmed. */
function normalizeBaseUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

export function nodeView(deps: NodeDeps, node: ProviderNodeRow): NodeView {
  const headers = openNodeHeaders(deps.secrets, node.headers);
  return {
    id: node.id,
    name: node.name,
    prefix: node.prefix,
    apiType: node.apiType,
    baseUrl: withoutCredentials(node.baseUrl),
    headers: maskNodeHeaders(headers ?? {}),
    headersUnreadable: headers === undefined,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
  };
}

export async function listNodeViews(deps: NodeDeps): Promise<NodeView[]> {
  return (await listProviderNodes(deps.store)).map((node) => nodeView(deps, node));
}

/**
 * The nodes with their header values opened, for the configuration file only: its apply compares them with the
 * file's, and its export replaces the secret-looking ones by placeholders. Never for an answer to a client.
 */
export async function listNodesWithHeaders(deps: NodeDeps): Promise<NodeView[]> {
  return (await listProviderNodes(deps.store)).map((node) => ({
    ...nodeView(deps, node),
    headers: openNodeHeaders(deps.secrets, node.headers) ?? {},
  }));
}

export async function requireNode(deps: NodeDeps, id: string): Promise<ProviderNodeRow> {
  const node = await getProviderNode(deps.store, id);
  if (!node) throw new GatewayError("not_found", `No provider node with id "${id}".`, { code: "node_not_found" });
  return node;
}

async function assertPrefixFree(deps: NodeDeps, prefix: string, exceptId?: string): Promise<void> {
  const taken = deps.providers.get(prefix);
  const own = exceptId ? (await getProviderNode(deps.store, exceptId))?.prefix.toLowerCase() === prefix.toLowerCase() : false;
  if (taken && !own) {
    throw new GatewayError("conflict", `The prefix "${prefix}" is already used by provider "${taken.name}".`, {
      param: "prefix",
      code: "prefix_taken",
    });
  }
}

export async function createNode(deps: NodeDeps, input: NodeInput): Promise<NodeView> {
  await assertPrefixFree(deps, input.prefix);
  const node = await insertProviderNode(deps.store, {
    ...input,
    id: Bun.randomUUIDv7(),
    baseUrl: normalizeBaseUrl(input.baseUrl),
    headers: sealNodeHeaders(deps.secrets, input.headers),
  });
  await deps.providers.changed();
  return nodeView(deps, node);
}

export async function updateNodeById(deps: NodeDeps, id: string, input: z.infer<typeof NodeUpdateSchema>): Promise<NodeView> {
  const before = await requireNode(deps, id);
  if (input.prefix && input.prefix !== before.prefix) {
    await assertPrefixFree(deps, input.prefix, id);
    if ((await listConnections(deps.store, before.prefix)).length) {
      throw new GatewayError("conflict", `Provider node "${before.prefix}" has connections; delete them before renaming its prefix.`, {
        param: "prefix",
      });
    }
  }
  const { headers, ...rest } = input;
  const sealed =
    headers === undefined
      ? {}
      : { headers: sealNodeHeaders(deps.secrets, mergeMaskedHeaders(headers, openNodeHeaders(deps.secrets, before.headers) ?? {})) };
  const node = await updateProviderNode(deps.store, id, {
    ...rest,
    ...sealed,
    ...(input.baseUrl ? { baseUrl: normalizeBaseUrl(input.baseUrl) } : {}),
  });
  if (!node) throw new GatewayError("not_found", `No provider node with id "${id}".`, { code: "node_not_found" });
  await deps.providers.changed();
  return nodeView(deps, node);
}

/** A node with connections is refused (delete them first); its custom models go with it. */
export async function deleteNodeById(deps: NodeDeps, id: string): Promise<void> {
  const node = await requireNode(deps, id);
  if ((await listConnections(deps.store, node.prefix)).length) {
    throw new GatewayError("conflict", `Provider node "${node.prefix}" still has connections; delete them first.`, { code: "node_in_use" });
  }
  // The node and its models go together, or neither does.
  await deps.store.transaction(async (tx) => {
    await deleteProviderNode(tx, node.id);
    await deleteProviderModelsOf(tx, node.prefix);
  });
  await deps.providers.changed();
  await deps.models.changed();
}
