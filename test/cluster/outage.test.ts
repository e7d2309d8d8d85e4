// Redis away: each instance keeps serving on its own state (nothing waits on a dead Redis longer than a short timeout),
// says so on /readyz (still 200) and the Health page, and goes back to shared state by itself when Redis returns.
import { afterEach, expect, test } from "bun:test";
import { startGateway } from "../support/gateway.ts";
import { waitUntil } from "../support/real-servers.ts";
import { describeWithRedis } from "../support/redis.ts";
import { keyOf } from "../routing/support.ts";
import { answerText, chat, configureBoth, connectBoth, connected, coolFirstAccount, secondAccountOnly, usePairOn } from "./support.ts";

describeWithRedis("Redis outage (two gateways, one Redis)", (redis) => {
  const rig = usePairOn(() => redis().url);
  afterEach(async () => {
    // A test that failed while Redis was down leaves it down: the next one starts with it up again.
    await redis()
      .restart()
      .catch(() => {});
  });

  test("killed and restarted mid-load: every request is served, readyz and the Health page say where state lives, sharing resumes", async () => {
    const [a, b] = rig.pair;
    await connectBoth(rig.pair, "ds", rig.up, "key-1");
    await connectBoth(rig.pair, "ds", rig.up, "key-2");
    await configureBoth(rig.pair, "/api/settings", { method: "PUT", body: { cache: { enabled: true, ttlSeconds: 60 } } });
    await configureBoth(rig.pair, "/api/resilience", { method: "PATCH", body: { limits: { maxConcurrent: 8 } } });

    // Load on both instances the whole time: 4 clients, each request timed.
    let running = true;
    const results: Array<{ status: number; ms: number }> = [];
    const client = async (i: number) => {
      for (let n = 0; running; n++) {
        const started = performance.now();
        const res = await chat(n % 2 ? b : a, "ds/deepseek-chat", { headers: { "x-request-id": `load-${i}-${n}` } });
        await res.text();
        results.push({ status: res.status, ms: performance.now() - started });
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(client));
    await waitUntil("some load", async () => results.length >= 20, 10_000);

    await redis().kill();
    await waitUntil("both instances to notice", async () => !connected(a) && !connected(b), 5_000);
    const duringOutage = results.length;
    await waitUntil("load during the outage", async () => results.length >= duringOutage + 40, 10_000);
    const ready = await fetch(`${a.url}/readyz`);
    expect(ready.status).toBe(200);
    const readyBody = await ready.json();
    expect(readyBody.status).toBe("ready");
    expect(readyBody.redis).toMatch(/^unreachable since .*serving on this instance's own state/);
    expect((await (await b.api("/api/health")).json()).sharedState).toMatchObject({ state: "local" });
    const cookie = await b.login();
    const card = await (await fetch(`${b.url}/dashboard/partials/health/system`, { headers: { cookie } })).text();
    expect(card).toContain("Redis unreachable");

    await redis().restart();
    await waitUntil("both instances back on Redis", async () => connected(a) && connected(b), 10_000);
    const afterReturn = results.length;
    await waitUntil("load after the return", async () => results.length >= afterReturn + 20, 10_000);
    running = false;
    await load;

    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    // Nothing waited on the dead Redis: no request took anywhere near a stuck call.
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(2_000);
    expect((await (await fetch(`${b.url}/readyz`)).json()).redis).toBe("connected");

    // Shared again: rpm 1 per account holds across the instances.
    await configureBoth(rig.pair, "/api/resilience", { method: "PATCH", body: { limits: { rpm: 1, maxConcurrent: 0 } } });
    const calls = rig.up.requests.length;
    await redis().kill();
    await redis().restart();
    await waitUntil("both instances back on Redis", async () => connected(a) && connected(b), 10_000);
    const served = [await chat(a, "ds/deepseek-chat"), await chat(b, "ds/deepseek-chat"), await chat(a, "ds/deepseek-chat")];
    expect(served.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(rig.up.requests.length - calls).toBe(2);
  }, 60_000);

  test("a cooldown and a reset made while Redis was away reach the other instance when it returns", async () => {
    const [a, b] = rig.pair;
    await secondAccountOnly(rig.pair, rig.up);
    await redis().kill();
    await waitUntil("both instances to notice", async () => !connected(a) && !connected(b), 5_000);
    // A alone learns that key-1 is rate limited.
    await coolFirstAccount(a, rig.up);
    expect(a.services.health.cooldowns.active()).toHaveLength(1);
    expect(b.services.health.cooldowns.active()).toHaveLength(0);

    await redis().restart();
    await waitUntil("both instances back on Redis", async () => connected(a) && connected(b), 10_000);
    await waitUntil("B to hear of A's cooldown", async () => b.services.health.cooldowns.active().length === 1, 3_000);
    const calls = rig.up.requests.filter((r) => keyOf(r) === "key-1").length;
    for (let i = 0; i < 3; i++) expect(await answerText(await chat(b, "ds/deepseek-chat"))).toBe("key-2");
    expect(rig.up.requests.filter((r) => keyOf(r) === "key-1")).toHaveLength(calls);

    // B resets while Redis is away: when it returns, A's copy of the cooldown goes too.
    await redis().kill();
    await waitUntil("both instances to notice", async () => !connected(a) && !connected(b), 5_000);
    expect((await b.api("/api/resilience/reset", { body: {} })).status).toBe(200);
    expect(a.services.health.cooldowns.active()).toHaveLength(1);
    await redis().restart();
    await waitUntil("both instances back on Redis", async () => connected(a) && connected(b), 10_000);
    await waitUntil("A to hear of B's reset", async () => a.services.health.cooldowns.active().length === 0, 3_000);
  }, 30_000);

  test("Redis unreachable at start (a port that never answers): the gateway starts at once and serves on its own state", async () => {
    // A port that accepts connections and never answers: the worst kind of dead Redis.
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const started = performance.now();
    const gw = await startGateway({ REDIS_URL: `redis://127.0.0.1:${silent.port}` });
    try {
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(connected(gw)).toBe(false);
      expect((await gw.api("/api/providers", { body: { provider: "ds", apiKey: "key-1", baseUrl: `${rig.up.url}/v1` } })).status).toBe(201);
      const t = performance.now();
      const res = await chat(gw, "ds/deepseek-chat");
      expect(res.status).toBe(200);
      expect(performance.now() - t).toBeLessThan(1_000);
      expect((await (await fetch(`${gw.url}/readyz`)).json()).redis).toMatch(/^unreachable/);
    } finally {
      await gw.close();
      silent.stop(true);
    }
  });
});
