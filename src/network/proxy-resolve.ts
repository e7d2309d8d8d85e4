// Which proxy one upstream call goes through: API key -> combo -> connection -> provider -> global -> environment.
import { bypassesProxy, splitNoProxy } from "./no-proxy.ts";
import type { ProxyConfig, ProxyEntry, ProxyServer } from "./proxy-config.ts";

export type ProxySource = "key" | "combo" | "connection" | "provider" | "global" | "environment";

export interface ProxyScope {
  keyId?: string | null;
  combo?: string;
  provider?: string;
  /** The account's own proxy (POST/PUT /api/providers `proxy`): the most specific provider-level setting. */
  connectionProxy?: ProxyEntry;
}

export interface ResolvedProxy {
  server: ProxyServer;
  source: ProxySource;
  /** Where it was set: `global setting`, `HTTPS_PROXY environment variable`; none for a proxy under test. */
  origin?: string;
  /** For messages, never with credentials: `socks5 proxy 10.0.0.2:1080, global setting`. */
  label: string;
}

export type Env = Record<string, string | undefined>;

/** `host` as it goes in a URL authority (IPv6 in brackets). */
export function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

export function describeProxy(server: ProxyServer, origin?: string): string {
  return `${server.type} proxy ${urlHost(server.host)}:${server.port}${origin ? `, ${origin}` : ""}`;
}

/**
 * The proxy for a call to `target`, or undefined to connect directly. The most specific level that names
 * a proxy or `none` decides; NO_PROXY (the settings' list and the environment's) sends listed hosts direct.
 */
export function proxyFor(config: ProxyConfig, scope: ProxyScope, target: URL, env: Env = process.env): ResolvedProxy | undefined {
  if (bypassesProxy(target, [...config.noProxy, ...splitNoProxy(env.no_proxy ?? env.NO_PROXY)])) return undefined;
  const levels: Array<[ProxySource, ProxyEntry | undefined, string]> = [
    ["key", scope.keyId ? config.keys[scope.keyId] : undefined, "API key setting"],
    ["combo", scope.combo ? comboEntry(config, scope.combo) : undefined, `combo "${scope.combo}" setting`],
    ["connection", scope.connectionProxy, "connection setting"],
    ["provider", scope.provider ? config.providers[scope.provider] : undefined, `provider "${scope.provider}" setting`],
    ["global", config.global, "global setting"],
  ];
  for (const [source, entry, origin] of levels) {
    if (!entry) continue;
    if (entry.type === "none") return undefined;
    return { server: entry, source, origin, label: describeProxy(entry, origin) };
  }
  return envProxy(target, env);
}

function comboEntry(config: ProxyConfig, combo: string): ProxyEntry | undefined {
  const exact = config.combos[combo];
  if (exact) return exact;
  const lower = combo.toLowerCase();
  return Object.entries(config.combos).find(([name]) => name.toLowerCase() === lower)?.[1];
}

/** HTTPS_PROXY for https targets, HTTP_PROXY for http ones, ALL_PROXY for both (lower case first, as curl reads them). */
export function envProxy(target: URL, env: Env): ResolvedProxy | undefined {
  const names = target.protocol === "https:" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"];
  for (const name of [...names, "all_proxy", "ALL_PROXY"]) {
    const value = env[name]?.trim();
    if (!value) continue;
    const server = parseProxyUrl(value);
    const origin = `${name} environment variable`;
    return server ? { server, source: "environment", origin, label: describeProxy(server, origin) } : undefined;
  }
  return undefined;
}

/** `http://user:pass@host:port`, `socks5h://host:1080`, or a bare `host:port` (http). Unsupported schemes give undefined. */
export function parseProxyUrl(value: string): ProxyServer | undefined {
  let url: URL;
  try {
    url = new URL(value.includes("://") ? value : `http://${value}`);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.slice(0, -1);
  const type =
    scheme === "http" || scheme === "https"
      ? scheme
      : scheme === "socks5" || scheme === "socks5h" || scheme === "socks"
        ? "socks5"
        : undefined;
  if (!type || !url.hostname) return undefined;
  const defaultPort = type === "socks5" ? 1080 : type === "https" ? 443 : 80;
  const server: ProxyServer = { type, host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port || defaultPort) };
  if (url.username) server.username = decodeURIComponent(url.username);
  if (url.password) server.password = decodeURIComponent(url.password);
  return server;
}
