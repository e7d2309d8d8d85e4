// Custom provider nodes as the API and dashboard see them: validated, prefix kept unique, registry reloaded on change.
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { listConnections } from "../db/queries/connections.ts";
import { deleteProviderModelsOf } from "../db/queries/provider-models.ts";
import {
  deleteProviderNode, getProviderNode, insertProviderNode, listProviderNodes, updateProviderNode, type ProviderNodeRow,
} from "../db/queries/provider-nodes.ts";
import type { Services } from "../services.ts";
import { baseUrlSchema, withoutCredentials } from "./base-url.ts";
import { maskNodeHeaders, mergeMaskedHeaders, openNodeHeaders, sealNodeHeaders } from "./node-headers.ts";

export const NODE_API_TYPES = ["openai", "anthropic", "responses", "gemini"] as const;

export const NodeInputSchema = z.object({
  name: z.string().min(1).max(100),
  prefix: z.string().regex(/^[a-z0-9][a-z0-9-_.]{0,39}$/i, "must be 1-40 letters, digits, '-', '_' or '.' (it becomes the model prefix)"),
  apiType: z.enum(NODE_API_TYPES),
  baseUrl: baseUrlSchema,
  headers: z.record(z.string().max(200), z.string().max(4000)).optional(),
}).strict();

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

export function nodeView(services: Services, node: ProviderNodeRow): NodeView {
  const headers = openNodeHeaders(services.secrets, node.headers);
  return {
    id: node.id, name: node.name, prefix: node.prefix, apiType: node.apiType, baseUrl: withoutCredentials(node.baseUrl),
    headers: maskNodeHeaders(headers ?? {}), headersUnreadable: headers === undefined, createdAt: node.createdAt, updatedAt: node.updatedAt,
  };
}

export function listNodeViews(services: Services): NodeView[] {
  return listProviderNodes(services.db).map((node) => nodeView(services, node));
}

export function requireNode(services: Services, id: string): ProviderNodeRow {
  const node = getProviderNode(services.db, id);
  if (!node) throw new GatewayError("not_found", `No provider node with id "${id}".`, { code: "node_not_found" });
  return node;
}

function assertPrefixFree(services: Services, prefix: string, exceptId?: string): void {
  const taken = services.providers.get(prefix);
  const own = exceptId ? getProviderNode(services.db, exceptId)?.prefix.toLowerCase() === prefix.toLowerCase() : false;
  if (taken && !own) {
    throw new GatewayError("conflict", `The prefix "${prefix}" is already used by provider "${taken.name}".`, { param: "prefix", code: "prefix_taken" });
  }
}

export function createNode(services: Services, input: NodeInput): NodeView {
  assertPrefixFree(services, input.prefix);
  const node = insertProviderNode(services.db, {
    ...input, id: Bun.randomUUIDv7(), baseUrl: normalizeBaseUrl(input.baseUrl), headers: sealNodeHeaders(services.secrets, input.headers),
  });
  services.providers.reload();
  return nodeView(services, node);
}

export function updateNodeById(services: Services, id: string, input: z.infer<typeof NodeUpdateSchema>): NodeView {
  const before = requireNode(services, id);
  if (input.prefix && input.prefix !== before.prefix) {
    assertPrefixFree(services, input.prefix, id);
    if (listConnections(services.db, before.prefix).length) {
      throw new GatewayError("conflict", `Provider node "${before.prefix}" has connections; delete them before renaming its prefix.`, { param: "prefix" });
    }
  }
  const { headers, ...rest } = input;
  const sealed = headers === undefined
    ? {}
    : { headers: sealNodeHeaders(services.secrets, mergeMaskedHeaders(headers, openNodeHeaders(services.secrets, before.headers) ?? {})) };
  const node = updateProviderNode(services.db, id, { ...rest, ...sealed, ...(input.baseUrl ? { baseUrl: normalizeBaseUrl(input.baseUrl) } : {}) })!;
  services.providers.reload();
  return nodeView(services, node);
}

/** A node with connections is refused (delete them first); its custom models go with it. */
export function deleteNodeById(services: Services, id: string): void {
  const node = requireNode(services, id);
  if (listConnections(services.db, node.prefix).length) {
    throw new GatewayError("conflict", `Provider node "${node.prefix}" still has connections; delete them first.`, { code: "node_in_use" });
  }
  deleteProviderNode(services.db, node.id);
  deleteProviderModelsOf(services.db, node.prefix);
  services.providers.reload();
}
