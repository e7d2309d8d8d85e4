// /api/provider-nodes: custom providers speaking one of the four formats; their prefix works like a provider id.
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { listConnections } from "../db/queries/connections.ts";
import {
  deleteProviderNode, getProviderNode, insertProviderNode, listProviderNodes, updateProviderNode, type ProviderNodeRow,
} from "../db/queries/provider-nodes.ts";
import { deleteProviderModelsOf } from "../db/queries/provider-models.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

const NodeSchema = z.object({
  name: z.string().min(1).max(100),
  prefix: z.string().regex(/^[a-z0-9][a-z0-9-_.]{0,39}$/i, "must be 1-40 letters, digits, '-', '_' or '.' (it becomes the model prefix)"),
  apiType: z.enum(["openai", "anthropic", "responses", "gemini"]),
  baseUrl: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2000),
  headers: z.record(z.string().max(200), z.string().max(4000)).optional(),
}).strict();

/** Base URLs are stored as the format's official SDK takes them; a trailing slash is trimmed. */
function normalizeBaseUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

function nodeView(node: ProviderNodeRow) {
  return { id: node.id, name: node.name, prefix: node.prefix, apiType: node.apiType, baseUrl: node.baseUrl, headers: node.headers ?? {}, createdAt: node.createdAt, updatedAt: node.updatedAt };
}

export function providerNodeRoutes(services: Services) {
  const assertPrefixFree = (prefix: string, exceptId?: string) => {
    const taken = services.providers.get(prefix);
    const own = exceptId ? getProviderNode(services.db, exceptId)?.prefix.toLowerCase() === prefix.toLowerCase() : false;
    if (taken && !own) {
      throw new GatewayError("conflict", `The prefix "${prefix}" is already used by provider "${taken.name}".`, { param: "prefix", code: "prefix_taken" });
    }
  };
  const requireNode = (id: string) => {
    const node = getProviderNode(services.db, id);
    if (!node) throw new GatewayError("not_found", `No provider node with id "${id}".`, { code: "node_not_found" });
    return node;
  };

  return new Hono()
    .get("/", (c) => c.json(listProviderNodes(services.db).map(nodeView)))
    .post("/", validate("json", NodeSchema), (c) => {
      const input = c.req.valid("json");
      assertPrefixFree(input.prefix);
      const node = insertProviderNode(services.db, { ...input, id: Bun.randomUUIDv7(), baseUrl: normalizeBaseUrl(input.baseUrl) });
      services.providers.reload();
      return c.json(nodeView(node), 201);
    })
    .get("/:id", (c) => c.json(nodeView(requireNode(c.req.param("id")))))
    .put("/:id", validate("json", NodeSchema.partial().strict()), (c) => {
      const id = c.req.param("id");
      const before = requireNode(id);
      const input = c.req.valid("json");
      if (input.prefix && input.prefix !== before.prefix) {
        assertPrefixFree(input.prefix, id);
        if (listConnections(services.db, before.prefix).length) {
          throw new GatewayError("conflict", `Provider node "${before.prefix}" has connections; delete them before renaming its prefix.`, { param: "prefix" });
        }
      }
      const node = updateProviderNode(services.db, id, { ...input, ...(input.baseUrl ? { baseUrl: normalizeBaseUrl(input.baseUrl) } : {}) })!;
      services.providers.reload();
      return c.json(nodeView(node));
    })
    .delete("/:id", (c) => {
      const node = requireNode(c.req.param("id"));
      if (listConnections(services.db, node.prefix).length) {
        throw new GatewayError("conflict", `Provider node "${node.prefix}" still has connections; delete them first.`, { code: "node_in_use" });
      }
      deleteProviderNode(services.db, node.id);
      deleteProviderModelsOf(services.db, node.prefix);
      services.providers.reload();
      return c.body(null, 204);
    });
}
