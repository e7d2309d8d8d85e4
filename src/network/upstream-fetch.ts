// Upstream fetches through the proxy their scope resolves to, always with an explicit `proxy` so Bun's env proxies never override a setting.
import type { SecretBox } from "../auth/secret-box.ts";
import type { ChangeArea } from "../db/change-feed.ts";
import type { Store } from "../db/store.ts";
import { createProxyStore, type ProxyServer, type ProxyStore } from "./proxy-config.ts";
import { proxyFor, urlHost, type Env, type ResolvedProxy } from "./proxy-resolve.ts";
import { BRIDGE_ERROR_HEADER, createSocksBridge, type SocksBridge } from "./socks-bridge.ts";

export interface Proxies extends ProxyStore {
  bridge: SocksBridge;
  /** Where HTTP(S)_PROXY, ALL_PROXY and NO_PROXY are read (process.env). */
  env: Env;
  /** Stops the SOCKS5 bridge (at shutdown). */
  close(): void;
}

export async function createProxies(
  store: Store,
  secrets: SecretBox,
  changed: (area: ChangeArea) => void = () => {},
  env: Env = process.env,
): Promise<Proxies> {
  const settings = await createProxyStore(store, secrets, changed);
  const bridge = createSocksBridge();
  // The environment is read once: a running process's proxy variables do not change under it.
  const snapshot: Env = env === process.env ? { ...process.env } : env;
  return { ...settings, bridge, env: snapshot, close: () => bridge.close() };
}

/** Who an upstream call is for: the most specific setting among these applies. */
export interface UpstreamScope {
  keyId?: string | null;
  combo?: string;
  provider?: string;
  /** The account used; its connection's own proxy counts as the most specific provider-level setting. */
  account?: { provider: string; proxy?: ProxyServer };
}

/** A failure of the proxy itself (unreachable, refused the credentials, could not reach the target). */
export class ProxyFailure extends Error {
  override name = "ProxyFailure";
}

export function resolveUpstreamProxy(proxies: Proxies, url: string | URL, scope: UpstreamScope): ResolvedProxy | undefined {
  // The common case costs no URL parse and no NO_PROXY parsing on the hot path.
  if (noProxyAnywhere(proxies, scope)) return undefined;
  const target = typeof url === "string" ? new URL(url) : url;
  return proxyFor(
    proxies.get(),
    {
      keyId: scope.keyId,
      combo: scope.combo,
      provider: scope.provider ?? scope.account?.provider,
      connectionProxy: scope.account?.proxy,
    },
    target,
    proxies.env,
  );
}

/** The fetch `proxy` option for one proxy; SOCKS5 goes through the in-process bridge. */
export function fetchProxyOption(proxies: Proxies, server: ProxyServer): Bun.FetchProxyOption {
  if (server.type === "socks5") return proxies.bridge.proxyOption(server);
  const credentials =
    server.username !== undefined || server.password !== undefined
      ? { "proxy-authorization": `Basic ${Buffer.from(`${server.username ?? ""}:${server.password ?? ""}`).toString("base64")}` }
      : undefined;
  return {
    url: `${server.type}://${urlHost(server.host)}:${server.port}`,
    ...(credentials ? { headers: credentials } : {}),
    respectNoProxy: false,
  };
}

const ENV_PROXY_NAMES = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"];
const DIRECT = { proxy: false } as const;

/** True when no setting and no environment variable names a proxy: then every call goes direct, nothing to resolve. */
function noProxyAnywhere(proxies: Proxies, scope: UpstreamScope): boolean {
  const config = proxies.get();
  if (config.global || scope.account?.proxy) return false;
  if (Object.keys(config.providers).length || Object.keys(config.combos).length || Object.keys(config.keys).length) return false;
  return !ENV_PROXY_NAMES.some((name) => proxies.env[name]);
}

/** Spread into a fetch init: `fetch(url, { ...init, ...upstreamFetchInit(proxies, url, scope) })`. `false` means direct. */
export function upstreamFetchInit(proxies: Proxies, url: string | URL, scope: UpstreamScope): { proxy: Bun.FetchProxyOption } {
  const resolved = resolveUpstreamProxy(proxies, url, scope);
  return resolved ? { proxy: fetchProxyOption(proxies, resolved.server) } : DIRECT;
}

/**
 * fetch() through the scope's proxy. A failure of the proxy is thrown as a ProxyFailure naming it (and the
 * setting it came from), so callers report it as a connection failure, never as the upstream's answer.
 * Bun's fetch is the one upstream transport: it never sends a request twice on its own.
 */
export async function upstreamFetch(proxies: Proxies, url: string, init: BunFetchRequestInit, scope: UpstreamScope): Promise<Response> {
  const resolved = resolveUpstreamProxy(proxies, url, scope);
  if (resolved) return fetchThrough(proxies, resolved, url, init);
  return fetch(url, { ...init, proxy: false });
}

/** fetch() through one resolved proxy, with its failures made ProxyFailures. */
export async function fetchThrough(proxies: Proxies, resolved: ResolvedProxy, url: string, init: BunFetchRequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, proxy: fetchProxyOption(proxies, resolved.server) });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new ProxyFailure(`${err instanceof Error ? err.message : String(err)} (via ${resolved.label})`, { cause: err });
  }
  const bridged = resolved.server.type === "socks5" ? response.headers.get(BRIDGE_ERROR_HEADER) : null;
  if (bridged) {
    await response.body?.cancel().catch(() => {});
    // The bridge's reason already names the SOCKS5 proxy.
    throw new ProxyFailure(resolved.origin ? `${bridged} (${resolved.origin})` : bridged);
  }
  if (response.status === 407) {
    await response.body?.cancel().catch(() => {});
    throw new ProxyFailure(`the proxy refused the credentials: 407 Proxy Authentication Required (via ${resolved.label})`);
  }
  return response;
}

/** A fetch for one call's scope, handed to provider adapters so they reach the network the way the gateway does. */
export type UpstreamFetch = (url: string, init: BunFetchRequestInit) => Promise<Response>;

export function scopedFetch(proxies: Proxies, scope: UpstreamScope): UpstreamFetch {
  return (url, init) => upstreamFetch(proxies, url, init, scope);
}
