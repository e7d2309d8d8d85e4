// "Test proxy": one real request through the proxy to a target (by default this gateway's own /healthz), timed.
import type { Proxies } from "./upstream-fetch.ts";
import type { ProxyServer } from "./proxy-config.ts";
import { describeProxy } from "./proxy-resolve.ts";
import { fetchThrough } from "./upstream-fetch.ts";

/** The outbound proxies a test goes through. */
export interface ProxyTestDeps {
  proxies: Proxies;
}

export interface ProxyTestResult {
  ok: boolean;
  latencyMs: number;
  /** What was fetched through the proxy. */
  url: string;
  /** The target's status, when it answered. */
  status?: number;
  error?: string;
}

const TEST_TIMEOUT_MS = 10_000;

export async function testProxy(
  deps: ProxyTestDeps,
  server: ProxyServer,
  url: string,
  timeoutMs = TEST_TIMEOUT_MS,
): Promise<ProxyTestResult> {
  const resolved = { server, source: "global" as const, label: describeProxy(server) };
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await fetchThrough(deps.proxies, resolved, url, {
      method: "GET",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => {});
    const latencyMs = elapsed();
    if (res.status < 500) return { ok: true, latencyMs, url, status: res.status };
    return {
      ok: false,
      latencyMs,
      url,
      status: res.status,
      error: `${url} answered ${res.status} through the ${resolved.label} (502, 503 or 504 usually means the proxy could not reach it).`,
    };
  } catch (err) {
    const timedOut = err instanceof Error && err.name === "TimeoutError";
    const reason = timedOut
      ? `no answer within ${timeoutMs / 1000} s through the ${resolved.label}`
      : err instanceof Error
        ? err.message
        : String(err);
    return { ok: false, latencyMs: elapsed(), url, error: `Could not fetch ${url}: ${reason}` };
  }
}
