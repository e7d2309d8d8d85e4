// Models a custom OpenAI-compatible node reports at its own GET /models, cached briefly so /v1/models stays fast.
import type { Account } from "../accounts/pool.ts";
import type { ProviderSpec } from "./types.ts";

const TTL_MS = 60_000;
const TIMEOUT_MS = 3_000;

interface Entry {
  at: number;
  ids: string[];
}

const cache = new Map<string, Entry>();

/** Model ids the node lists; [] when it has no /models or does not answer in time. `via` picks the outbound proxy. */
export async function discoverNodeModels(
  spec: ProviderSpec,
  account: Account,
  via: (url: string) => { proxy: Bun.FetchProxyOption },
): Promise<string[]> {
  if (spec.format !== "openai-chat") return [];
  const base = (account.baseUrl ?? spec.baseUrl).replace(/\/+$/, "");
  const key = `${spec.id}|${base}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.ids;
  let ids: string[] = [];
  try {
    const secret = account.credentials.apiKey;
    const res = await fetch(`${base}/models`, {
      ...via(`${base}/models`),
      headers: { accept: "application/json", ...spec.headers, ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (res.ok) {
      const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
      ids = (body.data ?? [])
        .map((m) => m.id)
        .filter((id): id is string => typeof id === "string")
        .slice(0, 1000);
    }
  } catch {
    // No /models here: the registered custom models still list.
  }
  cache.set(key, { at: Date.now(), ids });
  return ids;
}
