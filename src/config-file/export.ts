// The configuration as a file in the format apply reads: secrets become `${...}` placeholders named after their object.
import { openCredentials } from "../accounts/pool.ts";
import { SECRET_HEADER } from "../backups/export.ts";
import { listConnections } from "../db/queries/connections.ts";
import { openConnectionProxy, type ProxyEntry } from "../network/proxy-config.ts";
import { listNodesWithHeaders } from "../providers/node-service.ts";
import type { Services } from "../services.ts";

/** A secret in the tree: written as `${variable}`. */
class Placeholder {
  constructor(readonly variable: string) {}
}

/** Variable names from object names (`DeepSeek main` -> `DEEPSEEK_MAIN`), each used once. */
function createNamer() {
  const used = new Set<string>();
  return (...parts: string[]): Placeholder => {
    const base = parts
      .map((p) =>
        p
          .toUpperCase()
          .replace(/[^A-Z0-9]+/g, "_")
          .replace(/^_+|_+$/g, ""),
      )
      .filter(Boolean)
      .join("_");
    let name = /^[A-Z_]/.test(base) ? base : `_${base}`;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return new Placeholder(name);
  };
}

const byText =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

/** Strings are escaped (`${` -> `$${`) so apply reads them back as written; placeholders become `${NAME}`. */
function finish(value: unknown, variables: string[]): unknown {
  if (value instanceof Placeholder) {
    variables.push(value.variable);
    return `\${${value.variable}}`;
  }
  if (typeof value === "string") return value.replaceAll("${", () => "$${");
  if (Array.isArray(value)) return value.map((v) => finish(v, variables));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, finish(v, variables)]),
    );
  }
  return value;
}

function proxyEntry(
  entry: ProxyEntry | { type: string; host: string; port: number; username?: string; password?: string },
  secret: () => Placeholder,
) {
  if (entry.type === "none" || !("host" in entry)) return { type: "none" };
  return {
    type: entry.type,
    host: entry.host,
    port: entry.port,
    username: entry.username,
    password: entry.password ? secret() : undefined,
  };
}

/** The whole configuration as YAML, with a header naming the variables to set before applying it elsewhere. */
export async function exportConfig(services: Services): Promise<string> {
  const name = createNamer();
  const skipped: string[] = [];

  const nodes = (await listNodesWithHeaders(services)).sort(byText((n) => n.prefix)).map((n) => ({
    name: n.name,
    prefix: n.prefix,
    apiType: n.apiType,
    baseUrl: n.baseUrl,
    headers: Object.keys(n.headers).length
      ? Object.fromEntries(Object.entries(n.headers).map(([h, v]) => [h, SECRET_HEADER.test(h) ? name("NODE", n.prefix, h) : v]))
      : undefined,
  }));

  const providers = (await listConnections(services.store)).sort(byText((r) => `${r.provider}\u0000${r.name}`)).flatMap((r) => {
    const creds = openCredentials(services.secrets, r.credentials);
    if (r.authType === "oauth" && !creds.apiKey) {
      skipped.push(`${r.provider} "${r.name}"`);
      return [];
    }
    const proxy = openConnectionProxy(services.secrets, r.proxy);
    return [
      {
        provider: r.provider,
        name: r.name,
        apiKey: creds.apiKey ? name(r.name, "API_KEY") : undefined,
        baseUrl: r.baseUrl ?? undefined,
        priority: r.priority,
        isActive: r.isActive,
        limits: r.limits ?? undefined,
        proxy: proxy ? proxyEntry(proxy, () => name(r.name, "PROXY_PASSWORD")) : undefined,
      },
    ];
  });

  const models = services.models.list().map((m) => ({
    provider: m.provider,
    modelId: m.modelId,
    modelName: m.modelName,
    type: m.type,
  }));

  const combos = services.combos.list().map((c) => ({
    name: c.name,
    strategy: c.strategy,
    models: c.members.map((m) => (m.weight === 1 ? m.model : { model: m.model, weight: m.weight })),
  }));

  const keyRows = services.apiKeys.list().sort(byText((k) => k.name));
  const keyName = new Map(keyRows.map((k) => [k.id, k.name]));
  const budgets = services.budgets.list();
  const keys = keyRows.map((k) => {
    const own = budgets
      .filter((b) => b.keyId === k.id)
      .sort(byText((b) => b.period))
      .map((b) => ({ limit: b.limit, period: b.period, warnAt: b.warnAt }));
    return {
      name: k.name,
      key: name("KEY", k.name),
      scopes: k.scopes.length ? [...k.scopes] : undefined,
      budget: own.length === 0 ? undefined : own.length === 1 ? own[0] : own,
    };
  });

  const proxy = services.proxies.get();
  const proxyMap = (level: string, entries: Readonly<Record<string, ProxyEntry>>, label: (id: string) => string = (id) => id) => {
    const out = Object.fromEntries(
      Object.entries(entries).map(([id, e]) => [label(id), proxyEntry(e, () => name("PROXY", level, label(id), "PASSWORD"))]),
    );
    return Object.keys(out).length ? out : undefined;
  };
  const proxySection = {
    global: proxy.global ? proxyEntry(proxy.global, () => name("PROXY_GLOBAL_PASSWORD")) : undefined,
    providers: proxyMap("providers", proxy.providers),
    combos: proxyMap("combos", proxy.combos),
    keys: proxyMap("keys", proxy.keys, (id) => keyName.get(id) ?? id),
    noProxy: proxy.noProxy.length ? [...proxy.noProxy] : undefined,
  };
  const overrides = services.pricing.overrides();

  const variables: string[] = [];
  const document = finish(
    {
      nodes: nodes.length ? nodes : undefined,
      providers: providers.length ? providers : undefined,
      models: models.length ? models : undefined,
      combos: combos.length ? combos : undefined,
      keys: keys.length ? keys : undefined,
      settings: services.settings.get(),
      resilience: services.resilience.get(),
      pricing: Object.keys(overrides).length ? overrides : undefined,
      proxy: Object.values(proxySection).some((v) => v !== undefined) ? proxySection : undefined,
    },
    variables,
  );

  const header = [
    "# OmniRoute configuration (GET /api/config). Apply it with CONFIG_FILE, POST /api/config/apply or `omniroute config apply`.",
    variables.length
      ? `# Secrets are not in this file: set these variables before applying it: ${variables.join(", ")}.`
      : "# It holds no secrets.",
    ...(skipped.length
      ? [`# Not included (OAuth logins cannot be declared in a file; connect them in the dashboard): ${skipped.join(", ")}.`]
      : []),
  ];
  return `${header.join("\n")}\n${Bun.YAML.stringify(document, null, 2)}\n`;
}
