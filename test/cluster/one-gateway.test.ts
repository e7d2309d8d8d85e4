// Two gateways on one PostgreSQL and one Redis are one gateway: configured once (on either), limited once.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { keyOf } from "../routing/support.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { waitUntil } from "../support/real-servers.ts";
import { describeWithRedis } from "../support/redis.ts";
import { connected, flushRedis } from "./support.ts";

describeWithPostgres("one gateway: two instances, one PostgreSQL", (postgres) => {
  describeWithRedis("and one Redis", (redis) => {
    let a: TestGateway;
    let b: TestGateway;
    let up: FakeUpstream;
    beforeEach(async () => {
      await flushRedis(redis().url);
      const env = { DATABASE_URL: await postgres().createDatabase(), REDIS_URL: redis().url };
      a = await startGateway(env);
      b = await startGateway(env);
      await waitUntil("both on Redis", async () => connected(a) && connected(b), 5_000);
      up = startOpenAIUpstream((req) => ({ kind: "text", text: keyOf(req) }));
    });
    afterEach(async () => {
      await Promise.all([a.close(), b.close()]);
      await up.close();
    });

    const chat = async (gw: TestGateway, key?: string, body: Record<string, unknown> = {}) =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key ?? (await a.adminKey())}` },
        body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }], ...body }),
      });
    /** Configured on A alone: B serves it once the change feed told it. */
    const connect = async (apiKey: string) => {
      expect((await a.api("/api/providers", { body: { provider: "ds", apiKey, baseUrl: `${up.url}/v1`, name: apiKey } })).status).toBe(201);
      await waitUntil(
        `B to route to ${apiKey}`,
        async () => b.services.accounts.accountsOf("deepseek").some((x) => x.name === apiKey),
        2_000,
      );
    };

    test("limits set and accounts added on A hold on B: rpm 1 per account across both, the next request refused", async () => {
      expect((await a.api("/api/resilience", { method: "PATCH", body: { limits: { rpm: 1 } } })).status).toBe(200);
      await connect("key-1");
      await connect("key-2");
      await waitUntil("B to have A's limits", async () => b.services.resilience.get().limits?.rpm === 1, 2_000);
      const first = await (await chat(a)).json();
      const second = await (await chat(b)).json();
      expect([first.choices[0].message.content, second.choices[0].message.content].sort()).toEqual(["key-1", "key-2"]);
      expect((await chat(a)).status).toBe(429);
      expect((await chat(b)).status).toBe(429);
      expect(up.requests).toHaveLength(2);
    });
  });
});
