// Two gateways on one Redis act as one: per-account limits, cooldowns and the circuit breaker hold across both.
import { expect, test } from "bun:test";
import type { TestGateway } from "../support/gateway.ts";
import { waitUntil } from "../support/real-servers.ts";
import { describeWithRedis } from "../support/redis.ts";
import { keyOf } from "../routing/support.ts";
import { answerText, chat, configureBoth, connectBoth, coolFirstAccount, secondAccountOnly, usePairOn } from "./support.ts";

describeWithRedis("shared limits and resilience (two gateways, one Redis)", (redis) => {
  const rig = usePairOn(() => redis().url);

  test("rpm 1 per account holds across instances: B's request goes to the other account, a third is refused", async () => {
    const [a, b] = rig.pair;
    await configureBoth(rig.pair, "/api/resilience", { method: "PATCH", body: { limits: { rpm: 1 } } });
    await connectBoth(rig.pair, "ds", rig.up, "key-1");
    await connectBoth(rig.pair, "ds", rig.up, "key-2");
    const first = await answerText(await chat(a, "ds/deepseek-chat"));
    const second = await answerText(await chat(b, "ds/deepseek-chat"));
    expect([first, second].sort()).toEqual(["key-1", "key-2"]);
    const third = await chat(a, "ds/deepseek-chat");
    expect(third.status).toBe(429);
    expect(rig.up.requests).toHaveLength(2);
  });

  test("one concurrency slot across instances: while A's call runs, B's is refused; after it ends, B is served", async () => {
    const [a, b] = rig.pair;
    await configureBoth(rig.pair, "/api/resilience", { method: "PATCH", body: { limits: { maxConcurrent: 1 } } });
    await connectBoth(rig.pair, "ds", rig.up, "key-1");
    rig.up.setScenario({ kind: "text", text: "slow answer", chunks: 5, delayMs: 150 });
    const running = await chat(a, "ds/deepseek-chat", { stream: true });
    expect(running.status).toBe(200);
    const refused = await chat(b, "ds/deepseek-chat");
    expect(refused.status).toBe(429);
    expect(rig.up.requests).toHaveLength(1);
    await running.text();
    const after = await chat(b, "ds/deepseek-chat");
    expect(after.status).toBe(200);
    expect(rig.up.requests).toHaveLength(2);
  });

  test("a 429 with Retry-After seen by A cools the account on B too: B does not call it", async () => {
    const [a, b] = rig.pair;
    await secondAccountOnly(rig.pair, rig.up);
    await coolFirstAccount(a, rig.up);
    await waitUntil("B to hear of the cooldown", async () => b.services.health.cooldowns.active().length === 1, 3_000);
    for (let i = 0; i < 3; i++) expect(await answerText(await chat(b, "ds/deepseek-chat"))).toBe("key-2");
    expect(rig.up.requests.filter((r) => keyOf(r) === "key-1")).toHaveLength(1);
    const health = await (await b.api("/api/health")).json();
    expect(health.rateLimits[0]).toMatchObject({ provider: "deepseek" });
    expect(health.rateLimits[0].secondsLeft).toBeGreaterThan(25);
    // A reset on B clears it on A.
    expect((await b.api("/api/resilience/reset", { body: {} })).status).toBe(200);
    await waitUntil("A to hear of the reset", async () => a.services.health.cooldowns.active().length === 0, 3_000);
  });

  test("failures on both instances open one breaker; half-open lets exactly one probe through across the cluster", async () => {
    const [a, b] = rig.pair;
    await configureBoth(rig.pair, "/api/resilience", {
      method: "PATCH",
      // Long enough that both instances still read "open" after B hears of it through Redis on a loaded machine
      // (at 400 ms the breaker was sometimes half-open on A before the check ran), short enough to wait out below.
      body: { providers: { deepseek: { failureThreshold: 2, breakerCooldownMs: 1500 } } },
    });
    await connectBoth(rig.pair, "ds", rig.up, "key-1");
    rig.up.setScenario({ kind: "error", status: 500, message: "down" });
    await chat(a, "ds/deepseek-chat");
    await chat(b, "ds/deepseek-chat");
    expect(rig.up.requests).toHaveLength(2);
    const open = (gw: TestGateway) => gw.services.health.breakers.list().find((s) => s.provider === "deepseek")?.phase === "open";
    await waitUntil("both to see the breaker open", async () => open(a) && open(b), 3_000);
    expect((await chat(a, "ds/deepseek-chat")).status).toBe(503);
    expect((await chat(b, "ds/deepseek-chat")).status).toBe(503);
    expect(rig.up.requests).toHaveLength(2);

    const halfOpen = (gw: TestGateway) => gw.services.health.breakers.list().find((s) => s.provider === "deepseek")?.phase === "half_open";
    await waitUntil("the breaker's wait to pass", async () => halfOpen(a) && halfOpen(b), 5_000);
    rig.up.setScenario({ kind: "text", text: "recovered", delayMs: 100, chunks: 3 });
    const burst = await Promise.all([a, b, a, b].map((gw) => chat(gw, "ds/deepseek-chat", { stream: true })));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 503, 503, 503]);
    await Promise.all(burst.map((r) => r.text()));
    expect(rig.up.requests).toHaveLength(3);
    const closed = (gw: TestGateway) => gw.services.health.breakers.list().find((s) => s.provider === "deepseek")?.phase === "closed";
    await waitUntil("both to see it closed", async () => closed(a) && closed(b), 3_000);
    expect((await chat(b, "ds/deepseek-chat")).status).toBe(200);
  });
});
