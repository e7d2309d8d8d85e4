// What the Providers page shows, read once per render (one query per table), and the service error -> field mapping.
import { listConnectionViews, type ConnectionView } from "../accounts/connection-service.ts";
import { GatewayError } from "../canonical/errors.ts";
import { listNodeViews } from "../providers/node-service.ts";
import type { ProviderSpec, ProviderTier } from "../providers/types.ts";
import type { Services } from "../services.ts";
import type { FieldErrors } from "../../views/components/form.tsx";
import type { ProviderEntry, ProviderGroup } from "../../views/pages/providers.tsx";
import type { AccountRow } from "../../views/partials/providers.tsx";
import type { OAuthInfo } from "../../views/partials/oauth-connect.tsx";
import { flowFor } from "../providers/login-flows.ts";
import type { CustomModelRow } from "../../views/partials/provider-custom.tsx";
import { configFileMarks, type ConfigFileMarks } from "./config-origin.ts";

/** The groups in the user guide's order. */
const GROUPS: Array<{ id: ProviderTier; title: string; blurb: string }> = [
  {
    id: "subscription",
    title: "Subscription",
    blurb: "Plans you already pay for, used by their coding tools (Claude Code, Codex, Gemini CLI, GitHub Copilot…).",
  },
  { id: "cheap", title: "Cheap", blurb: "Low-cost API plans that make good backups." },
  { id: "free", title: "Free", blurb: "Free tiers and free models." },
  { id: "api-key", title: "API key", blurb: "Pay-as-you-go providers: paste an API key." },
];

/** lastUsedAt as the pool knows it now (written to the database only periodically), and the account's quota windows. */
function withLiveLastUsed(services: Services, view: ConnectionView, marks: ConfigFileMarks): AccountRow {
  const row: AccountRow = { ...view, quotas: services.quotas.windowsOf(view.id), fromConfigFile: marks("connection", view.id) };
  if (!view.isActive) return row;
  const live = services.accounts.live(view.id).lastUsedAt;
  return live > (view.lastUsedAt ?? 0) ? { ...row, lastUsedAt: live } : row;
}

/** The provider's OAuth login as the page offers it. */
export function oauthInfo(providerId: string): OAuthInfo | undefined {
  const flow = flowFor(providerId);
  return flow ? { kind: flow.kind, cliImport: Boolean(flow.importCli), ...(flow.methods ? { methods: flow.methods } : {}) } : undefined;
}

export async function connectionsOf(services: Services, providerId: string): Promise<AccountRow[]> {
  const marks = await configFileMarks(services);
  return (await listConnectionViews(services, providerId)).map((v) => withLiveLastUsed(services, v, marks));
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item)) ?? [];
    list.push(item);
    out.set(key(item), list);
  }
  return out;
}

export async function providersPageData(services: Services): Promise<{ groups: ProviderGroup[]; custom: ProviderEntry[] }> {
  const marks = await configFileMarks(services);
  const connections = groupBy(
    (await listConnectionViews(services)).map((v) => withLiveLastUsed(services, v, marks)),
    (c) => c.provider,
  );
  const models = groupBy(
    services.models.list().map((m) => ({ ...m, fromConfigFile: marks("model", `${m.provider}/${m.modelId}`) })),
    (m) => m.provider,
  );
  const nodes = new Map((await listNodeViews(services)).map((n) => [n.prefix, { ...n, fromConfigFile: marks("node", n.id) }]));
  const entry = (spec: ProviderSpec): ProviderEntry => ({
    spec,
    node: nodes.get(spec.id),
    connections: connections.get(spec.id) ?? [],
    oauth: oauthInfo(spec.id),
    customModels: models.get(spec.id) ?? [],
  });
  const all = services.providers.all();
  const builtIn = all.filter((s) => !services.providers.isCustom(s.id));
  return {
    groups: GROUPS.map((g) => ({ ...g, entries: builtIn.filter((s) => s.tier === g.id).map(entry) })),
    custom: all.filter((s) => services.providers.isCustom(s.id)).map(entry),
  };
}

export function requireSpec(services: Services, name: string): ProviderSpec {
  const spec = services.providers.get(name);
  if (!spec) throw new GatewayError("not_found", `No provider "${name}".`, { code: "provider_not_found" });
  return spec;
}

export async function customModelsOf(services: Services, providerId: string): Promise<CustomModelRow[]> {
  const marks = await configFileMarks(services);
  return services.models.list(providerId).map((m) => ({ ...m, fromConfigFile: marks("model", `${m.provider}/${m.modelId}`) }));
}

/**
 * A refusal from a service (bad value, unknown name, conflict) as an error next to the field it names,
 * or for the whole form; anything else (a bug, a 5xx) is thrown on to the error page.
 */
export function serviceFieldErrors(err: unknown): FieldErrors {
  if (err instanceof GatewayError && err.status >= 400 && err.status < 500) return { [err.param ?? "_form"]: err.message };
  throw err;
}

/** The posted values to show again in a re-rendered form (secrets are never echoed back). */
export function echoValues(raw: Record<string, string>): Record<string, string> {
  const { apiKey: _secret, ...rest } = raw;
  return rest;
}
