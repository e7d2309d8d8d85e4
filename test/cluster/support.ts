// Two real gateways on one real Redis, each with its own SQLite file, configured alike: the same connections and
// keys (same ids, as one shared database would give them) so they share the hot state REDIS_URL carries.
import { RedisClient } from "bun";
import { insertApiKey, listApiKeys } from "../../src/db/queries/api-keys.ts";
import { getConnection, insertConnection } from "../../src/db/queries/connections.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { waitUntil } from "../support/real-servers.ts";

export async function startPair(redisUrl: string, env: Record<string, string> = {}): Promise<[TestGateway, TestGateway]> {
  const a = await startGateway({ REDIS_URL: redisUrl, ...env });
  const b = await startGateway({ REDIS_URL: redisUrl, ...env });
  await waitUntil("both gateways on Redis", async () => connected(a) && connected(b), 5_000);
  return [a, b];
}

export const connected = (gw: TestGateway) => gw.services.sharedState?.status().state === "shared";

/** Empties the suite's Redis between tests. */
export async function flushRedis(url: string): Promise<void> {
  const client = new RedisClient(url);
  try {
    await client.send("FLUSHALL", []);
  } finally {
    client.close();
  }
}

/** One connection on both gateways with the same id (through A's API, its row copied into B's database). */
export async function connectBoth(
  pair: [TestGateway, TestGateway],
  provider: string,
  upstream: FakeUpstream,
  apiKey: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const [a, b] = pair;
  const res = await a.api("/api/providers", { body: { provider, apiKey, baseUrl: `${upstream.url}/v1`, name: apiKey, ...extra } });
  if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${await res.text()}`);
  const id: string = (await res.json()).id;
  await insertConnection(b.services.store, (await getConnection(a.services.store, id))!);
  await b.services.accounts.reload();
  return id;
}

/** The same request body through both gateways' API (settings, resilience...). */
export async function configureBoth(pair: [TestGateway, TestGateway], path: string, init: { method?: string; body?: unknown }) {
  for (const gw of pair) {
    const res = await gw.api(path, init);
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  }
}

export async function chat(
  gw: TestGateway,
  model: string,
  init: { stream?: boolean; headers?: Record<string, string>; key?: string } = {},
) {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${init.key ?? (await gw.adminKey())}`, ...init.headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...(init.stream ? { stream: true } : {}) }),
  });
}

/** One API key on both gateways with the same id (created on A, its row copied into B's database). */
export async function keyOnBoth(pair: [TestGateway, TestGateway], name: string): Promise<{ id: string; key: string }> {
  const [a, b] = pair;
  const created = await a.services.apiKeys.create(name, []);
  await insertApiKey(b.services.store, (await listApiKeys(a.services.store)).find((k) => k.id === created.row.id)!);
  await b.services.apiKeys.reload();
  return { id: created.row.id, key: created.key };
}
