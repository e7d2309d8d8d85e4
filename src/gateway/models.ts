// GET /v1/models: what the user can actually call — models of connected providers, custom models, combos.
import { upstreamFetchInit } from "../network/upstream-fetch.ts";
import { discoverNodeModels } from "../providers/node-models.ts";
import type { ProviderSpec } from "../providers/types.ts";
import type { Services } from "../services.ts";

export interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  type?: string;
}

export async function listModels(services: Services): Promise<ModelEntry[]> {
  const created = Math.floor(services.startedAt / 1000);
  const out: ModelEntry[] = [];
  const seen = new Set<string>();
  const add = (id: string, owner: string, type?: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, object: "model", created, owned_by: owner, ...(type ? { type } : {}) });
  };
  const custom = services.models.list();
  const connected = services.providers.all().filter((spec) => services.accounts.accountsOf(spec.id).length > 0);
  const discover = (spec: ProviderSpec) => {
    const account = services.accounts.accountsOf(spec.id)[0]!;
    return discoverNodeModels(spec, account, (url) => upstreamFetchInit(services.proxies, url, { provider: spec.id, account }));
  };
  const discovered = await Promise.all(connected.map((spec) => (services.providers.isCustom(spec.id) ? discover(spec) : [])));
  connected.forEach((spec, i) => {
    for (const m of spec.models) add(`${spec.alias}/${m.id}`, spec.id, m.type);
    for (const m of custom) if (m.provider === spec.id) add(`${spec.alias}/${m.modelId}`, spec.id, m.type);
    for (const id of discovered[i]!) add(`${spec.alias}/${id}`, spec.id, "chat");
  });
  for (const combo of services.combos.list()) add(combo.name, "combo");
  return out;
}
