// Custom provider nodes as sync items: unique by prefix; applied through the same queries the node service uses.
import { z } from "zod";
import { deleteNodeById, NODE_API_TYPES } from "../../providers/node-service.ts";
import { getProviderNode, insertProviderNode, listProviderNodes, updateProviderNode } from "../../db/queries/provider-nodes.ts";
import type { SyncKind } from "./types.ts";
import { openNodeHeaders, sealNodeHeaders } from "../../providers/node-headers.ts";

const NodePayload = z.object({
  name: z.string().min(1).max(100),
  prefix: z.string().regex(/^[a-z0-9][a-z0-9-_.]{0,39}$/i),
  apiType: z.enum(NODE_API_TYPES),
  baseUrl: z.url({ protocol: /^https?$/ }).max(2000),
  headers: z.record(z.string(), z.string()).nullable(),
});

export const nodeKind: SyncKind = {
  kind: "node",
  list: async (services) =>
    (await listProviderNodes(services.store)).map((n) => {
      // Headers sealed with another ENCRYPTION_KEY (an imported database) cannot be read here: the node is left alone.
      const headers = openNodeHeaders(services.secrets, n.headers);
      return {
        localId: n.id,
        label: n.prefix,
        updatedAt: n.updatedAt,
        uniqueKey: n.prefix.toLowerCase(),
        payload:
          headers === undefined
            ? undefined
            : {
                name: n.name,
                prefix: n.prefix,
                apiType: n.apiType,
                baseUrl: n.baseUrl,
                headers: Object.keys(headers).length ? headers : null,
              },
      };
    }),
  uniqueKeyOf: (payload) => NodePayload.safeParse(payload).data?.prefix.toLowerCase(),
  async upsert(services, localId, payload) {
    const parsed = NodePayload.parse(payload);
    const node = { ...parsed, headers: sealNodeHeaders(services.secrets, parsed.headers) };
    if (await getProviderNode(services.store, localId)) await updateProviderNode(services.store, localId, node);
    else await insertProviderNode(services.store, { id: localId, ...node });
    // Connections and models pulled in the same batch name this prefix.
    await services.providers.reload();
  },
  async remove(services, localId) {
    // Refused while connections here still use it: they are named in the sync status and it is retried.
    if (await getProviderNode(services.store, localId)) await deleteNodeById(services, localId);
  },
  reload: (services) => services.providers.changed(),
};
