// Two real gateways on one real Redis, each with its own SQLite file, configured alike: the same connections and
// keys (same ids, as one shared database would give them) so they share the hot state REDIS_URL carries.
import { RedisClient } from "bun";
import { insertApiKey, listApiKeys } from "../../src/db/queries/api-keys.ts";
import { getConnection, insertConnection } from "../../src/db/queries/connections.ts";
import { afterEach, beforeEach } from "bun:test";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { keyOf } from "../routing/support.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { waitUntil } from "../support/real-servers.ts";

/**
 * Before each test: Redis emptied, two gateways on it, and an OpenAI-compatible upstream that answers with the key it
 * was called with; after it, all closed. Read the fields inside tests.
 */
export function usePairOn(redisUrl: () => string): { pair: [TestGateway, TestGateway]; up: FakeUpstream } {
  const rig = {} as { pair: [TestGateway, TestGateway]; up: FakeUpstream };
  beforeEach(async () => {
    await flushRedis(redisUrl());
    rig.pair = await startPair(redisUrl());
    rig.up = startOpenAIUpstream((req) => ({ kind: "text", text: `${keyOf(req)}` }));
  });
  afterEach(async () => {
    await Promise.all(rig.pair.map((gw) => gw.close()));
    await rig.up.close();
  });
  return rig;
}

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

/** The answer's text of a non-streamed chat call. */
export const answerText = async (res: Response): Promise<string> => (await res.json()).choices[0].message.content;

/** Accounts key-1 and key-2 of "ds" on both gateways; key-1 answers 429 with Retry-After 30, key-2 its key's name. */
export async function secondAccountOnly(pair: [TestGateway, TestGateway], up: FakeUpstream): Promise<void> {
  await connectBoth(pair, "ds", up, "key-1");
  await connectBoth(pair, "ds", up, "key-2");
  up.setScenario((req) =>
    keyOf(req) === "key-1"
      ? { kind: "error", status: 429, message: "Rate limit reached", headers: { "retry-after": "30" } }
      : { kind: "text", text: `${keyOf(req)}` },
  );
}

/** Calls through `gw` until key-1 has been tried once, so it cools (whichever account comes first, key-2 answers). */
export async function coolFirstAccount(gw: TestGateway, up: FakeUpstream): Promise<void> {
  for (let i = 0; i < 2 && !up.requests.some((r) => keyOf(r) === "key-1"); i++) {
    const text = await answerText(await chat(gw, "ds/deepseek-chat"));
    if (text !== "key-2") throw new Error(`expected key-2 to answer, got ${text}`);
  }
  if (up.requests.filter((r) => keyOf(r) === "key-1").length !== 1) throw new Error("key-1 was not tried exactly once");
}

/** One API key on both gateways with the same id (created on A, its row copied into B's database). */
export async function keyOnBoth(pair: [TestGateway, TestGateway], name: string): Promise<{ id: string; key: string }> {
  const [a, b] = pair;
  const created = await a.services.apiKeys.create(name, []);
  await insertApiKey(b.services.store, (await listApiKeys(a.services.store)).find((k) => k.id === created.row.id)!);
  await b.services.apiKeys.reload();
  return { id: created.row.id, key: created.key };
}
