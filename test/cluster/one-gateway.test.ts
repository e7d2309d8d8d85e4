// Two gateways on one PostgreSQL and one Redis are one gateway: configured once (on either), limited once, budgeted
// once: the spend both count is the same, and a burst over both overshoots by one call at most.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { SQL } from "bun";
import { estimateCost } from "../../src/usage/estimate.ts";
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
    let database: string;
    beforeEach(async () => {
      await flushRedis(redis().url);
      database = await postgres().createDatabase();
      const env = { DATABASE_URL: database, REDIS_URL: redis().url };
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

    const body = { stream: true, max_tokens: 4000 };
    /**
     * A key with a daily budget of `estimates` calls' likely cost, set on A and known on B, after a cheap warm-up
     * call on each (so both know what the model costs); returns the key and the upstream calls made so far.
     */
    const budgetedKey = async (estimates: number) => {
      await connect("k");
      const made = (await (await a.api("/api/keys", { body: { name: "burst" } })).json()) as { id: string; key: string };
      const request = { model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }], ...body };
      const estimate = estimateCost({ pricing: a.services.pricing }, a.services.router.resolve(request.model)[0], request);
      up.setScenario({ kind: "text", text: "warm", usage: { input: 1, output: 1 } });
      await waitUntil("B to know the key", async () => (await chat(b, made.key, body)).status === 200, 2_000);
      expect((await chat(a, made.key, body)).status).toBe(200);
      const budget = { keyId: made.id, limit: estimate * estimates, period: "daily" };
      expect((await a.api("/api/usage/budget", { body: budget })).status).toBe(201);
      await waitUntil("B to have the budget", async () => b.services.budgets.list().some((x) => x.keyId === made.id), 2_000);
      // From now on each call costs more than the whole budget, and takes a while.
      up.setScenario({ kind: "text", text: "one two three", usage: { input: 200_000, output: 200_000 }, delayMs: 150, chunks: 3 });
      return { key: made.key, keyId: made.id, warmUps: up.requests.length };
    };
    /**
     * Usage rows take a while to commit (the test locks the usage table, as a busy PostgreSQL would) until a row
     * waits for the lock: a call that ended but whose row is not in the tables yet must still count, held, everywhere.
     */
    const slowCommits = async () => {
      const db = new SQL(database, { max: 2 });
      const lock = await db.reserve();
      await lock`begin`;
      await lock`lock table usage_log in share mode`;
      const rowWaits = async () =>
        Number(
          (
            await db`select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%insert into "usage_log"%'`
          )[0].n,
        ) > 0;
      return async () => {
        try {
          await waitUntil("a usage row to wait for the lock", rowWaits, 10_000);
        } finally {
          await lock`commit`;
          lock.release();
          await db.close();
        }
      };
    };

    test("a call ended on A is counted on B before B lets another through: B waits while its row commits, then refuses", async () => {
      // Less than one call's likely cost: the first call holds all of it, the next one waits for it to settle.
      const { key, warmUps } = await budgetedKey(0.9);
      const commitsResume = await slowCommits();
      const first = chat(a, key, body).then(async (r) => [r.status, await r.text()] as const);
      await waitUntil("A's call to reach the upstream", async () => up.requests.length > warmUps, 2_000);
      const second = chat(b, key, body).then(async (r) => [r.status, await r.text()] as const);
      await commitsResume();
      expect((await first)[0]).toBe(200);
      const [status, text] = await second;
      expect(status).toBe(429);
      expect(text).toContain("budget exceeded");
      expect(up.requests.length - warmUps).toBe(1);
    }, 30_000);

    test("a burst of 40 over both on one budget: in flight, what the budget pays for plus one call; afterwards both count the same spend", async () => {
      // Three calls' likely cost and a half.
      const { key, keyId, warmUps } = await budgetedKey(3.5);
      const commitsResume = await slowCommits();
      let inFlightAtFirstAnswer = -1;
      const burst = Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          chat(i % 2 ? b : a, key, body).then(async (r) => {
            await r.text();
            if (r.status === 200 && inFlightAtFirstAnswer < 0) inFlightAtFirstAnswer = up.requests.length - warmUps;
            return r.status;
          }),
        ),
      );
      await commitsResume();
      const answers = await burst;
      expect(inFlightAtFirstAnswer).toBeGreaterThanOrEqual(3);
      expect(inFlightAtFirstAnswer).toBeLessThanOrEqual(4);
      // Each call costs more than the whole budget: once the first wave settled, no other call ran, on either instance.
      const ran = up.requests.length - warmUps;
      expect(ran).toBeLessThanOrEqual(4);
      expect(answers.filter((s) => s === 200)).toHaveLength(ran);
      expect(answers.every((s) => s === 200 || s === 429)).toBe(true);
      // Every call that ran is spent on both: the shared tables are the spend, read within about a second.
      const spentOn = (gw: TestGateway) => gw.services.budgets.list().find((x) => x.keyId === keyId)!.spent;
      await waitUntil("both to count the same spend", async () => Math.abs(spentOn(a) - spentOn(b)) < 1e-9 && spentOn(a) > 0, 5_000);
      // Past the limit, nothing more on either.
      expect((await chat(a, key, body)).status).toBe(429);
      expect((await chat(b, key, body)).status).toBe(429);
    }, 60_000);
  });
});
