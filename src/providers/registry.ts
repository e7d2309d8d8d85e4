// All providers the gateway knows: the built-in catalog plus the user's custom provider nodes.
import type { ChangeArea } from "../db/change-feed.ts";
import { listProviderNodes, type ProviderNodeRow } from "../db/queries/provider-nodes.ts";
import type { Store } from "../db/store.ts";
import type { FormatId } from "../formats/types.ts";
import { PROVIDER_CATALOG } from "./catalog.ts";
import type { AuthHeader, ProviderSpec } from "./types.ts";
import type { SecretBox } from "../auth/secret-box.ts";
import { log } from "../log.ts";
import { openNodeHeaders, sealLegacyNodeHeaders } from "./node-headers.ts";

export const NODE_FORMAT: Record<ProviderNodeRow["apiType"], FormatId> = {
  openai: "openai-chat",
  anthropic: "anthropic",
  responses: "responses",
  gemini: "gemini",
};

const NODE_AUTH: Record<FormatId, AuthHeader> = {
  "openai-chat": "bearer",
  responses: "bearer",
  anthropic: "x-api-key",
  gemini: "x-goog-api-key",
};

export interface ProviderRegistry {
  /** A provider by id or alias (case-insensitive). */
  get(idOrAlias: string): ProviderSpec | undefined;
  all(): ProviderSpec[];
  /** True for custom nodes: any model name passes through to them. */
  isCustom(id: string): boolean;
  /** Re-read custom nodes (another instance changed them, or an import). */
  reload(): Promise<void>;
  /** A node was written here: reload, then tell the other instances. */
  changed(): Promise<void>;
}

/** A node as a provider; `headers` opened from the sealed column (see node-headers.ts). */
export function nodeToSpec(node: ProviderNodeRow, headers: Record<string, string> | undefined): ProviderSpec {
  const format = NODE_FORMAT[node.apiType];
  return {
    id: node.prefix,
    alias: node.prefix,
    name: node.name,
    format,
    authType: "api-key",
    authHeader: NODE_AUTH[format],
    baseUrl: node.baseUrl,
    tier: "api-key",
    headers: headers && Object.keys(headers).length ? headers : undefined,
    models: [],
  };
}

/** Loaded before it is returned; `changed` tells the other instances when a node was written here. */
export async function createProviderRegistry(
  store: Store,
  secrets: SecretBox,
  changed: (area: ChangeArea) => void = () => {},
): Promise<ProviderRegistry> {
  let byName = new Map<string, ProviderSpec>();
  let custom = new Set<string>();
  let all: ProviderSpec[] = [];

  async function reload() {
    const next = new Map<string, ProviderSpec>();
    for (const spec of PROVIDER_CATALOG) {
      next.set(spec.id.toLowerCase(), spec);
      next.set(spec.alias.toLowerCase(), spec);
    }
    // Rows from before node headers were sealed are sealed now, on the first load after the upgrade (or an import).
    const rows = await listProviderNodes(store);
    if (await sealLegacyNodeHeaders(store, secrets, rows)) log.info("custom provider node headers sealed at rest");
    const nodes = rows.map((node) => nodeToSpec(node, openNodeHeaders(secrets, node.headers)));
    for (const spec of nodes) next.set(spec.id.toLowerCase(), spec);
    byName = next;
    custom = new Set(nodes.map((n) => n.id));
    all = [...PROVIDER_CATALOG, ...nodes];
  }
  await reload();

  return {
    get: (name) => byName.get(name.toLowerCase()),
    all: () => all,
    isCustom: (id) => custom.has(id),
    reload,
    async changed() {
      await reload();
      changed("nodes");
    },
  };
}
