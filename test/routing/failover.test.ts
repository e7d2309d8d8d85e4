// Failover and resilience, driven by fake upstreams that fail on script.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { rmSync } from "node:fs";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { listUsageLogs } from "../../src/db/queries/usage.ts";
import { chat, connect, keyOf } from "./support.ts";

let gw: TestGateway;
let a: FakeUpstream;
let b: FakeUpstream;

beforeEach(async () => {
  gw = await startGateway();
  a = startOpenAIUpstream({ kind: "text", text: "from A" });
  b = startOpenAIUpstream({ kind: "text", text: "from B" });
  await connect(gw, "ds", a, "key-a");
  await connect(gw, "groq", b, "key-b");
  expect(
    (await gw.api("/api/combos", { body: { name: "main", models: ["ds/deepseek-chat", "groq/llama-3.3-70b-versatile"] } })).status,
  ).toBe(201);
});
afterEach(async () => {
  await gw.close();
  await a.close();
  await b.close();
});

const text = async (res: Response) => (await res.json()).choices[0].message.content;

describe("combo failover", () => {
  test("500 on the first model: the second answers, headers and usage row say so", async () => {
    a.setScenario({ kind: "error", status: 500, message: "boom" });
    const res = await chat(gw, "main");
    expect(res.status).toBe(200);
    expect(await text(res)).toBe("from B");
    expect(res.headers.get("x-omniroute-provider")).toBe("groq");
    expect(res.headers.get("x-omniroute-fallback-attempts")).toBe("1");
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
    expect((await listUsageLogs(gw.services.store, { limit: 1 }))[0]).toMatchObject({
      combo: "main",
      attempt: 2,
      provider: "groq",
      status: 200,
    });
  });

  test("429 with Retry-After cools the account until then: it is not called again, /api/health shows it, reset clears it", async () => {
    a.setScenario({ kind: "error", status: 429, message: "Rate limit reached", headers: { "retry-after": "30" } });
    expect(await text(await chat(gw, "main"))).toBe("from B");
    a.setScenario({ kind: "text", text: "from A" });
    expect(await text(await chat(gw, "main"))).toBe("from B");
    expect(a.requests.length).toBe(1);
    const health = await (await gw.api("/api/health")).json();
    expect(health.rateLimits).toHaveLength(1);
    expect(health.rateLimits[0]).toMatchObject({ provider: "deepseek", model: "deepseek-chat" });
    expect(health.rateLimits[0].secondsLeft).toBeGreaterThan(25);
    expect((await gw.api("/api/resilience/reset", { body: {} })).status).toBe(200);
    expect(await text(await chat(gw, "main"))).toBe("from A");
  });

  test("a hanging upstream is abandoned after the profile timeout and the next model answers", async () => {
    await gw.api("/api/resilience", { method: "PATCH", body: { providers: { deepseek: { timeoutMs: 300 } } } });
    a.setScenario({ kind: "hang" });
    const started = performance.now();
    expect(await text(await chat(gw, "main"))).toBe("from B");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("after the first byte there is no failover: a cut stream ends in an error event, the next model is not called", async () => {
    a.setScenario({ kind: "cut", text: "partial answer here", afterChunks: 2 });
    const res = await chat(gw, "main", { stream: true });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('"error"');
    expect(body).not.toContain("[DONE]");
    expect(b.requests.length).toBe(0);
  });

  test("a client fault (400) is answered at once: no fallback, no penalty", async () => {
    a.setScenario({ kind: "error", status: 400, message: "messages: invalid role 'wizard'" });
    const res = await chat(gw, "main");
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("invalid role");
    expect(b.requests.length).toBe(0);
    expect(gw.services.health.cooldowns.active()).toHaveLength(0);
  });

  test("context too long (400) moves on to the next model without penalty", async () => {
    a.setScenario({ kind: "error", status: 400, message: "This model's maximum context length is 8192 tokens" });
    expect(await text(await chat(gw, "main"))).toBe("from B");
    expect(gw.services.health.cooldowns.active()).toHaveLength(0);
  });

  test("every model rate limited: 429 with Retry-After of the earliest reset, listing what was tried", async () => {
    a.setScenario({ kind: "error", status: 429, message: "slow down A", headers: { "retry-after": "20" } });
    b.setScenario({ kind: "error", status: 429, message: "slow down B", headers: { "retry-after": "40" } });
    const res = await chat(gw, "main");
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(19);
    expect(retryAfter).toBeLessThanOrEqual(21);
    const message = (await res.json()).error.message;
    expect(message).toContain("ds/deepseek-chat");
    expect(message).toContain("slow down A");
    expect(message).toContain("groq/llama-3.3-70b-versatile");
    expect(message).toContain("slow down B");
  });

  test("every model failing for other reasons: 503 naming each", async () => {
    a.setScenario({ kind: "error", status: 500, message: "A is down" });
    b.setScenario({ kind: "error", status: 503, message: "B is down" });
    const res = await chat(gw, "main");
    expect(res.status).toBe(503);
    const message = (await res.json()).error.message;
    expect(message).toContain("A is down");
    expect(message).toContain("B is down");
  });
});

describe("accounts of one provider", () => {
  test("401 cools the whole account; the provider's other account serves", async () => {
    await connect(gw, "ds", a, "key-a2");
    a.setScenario((req) =>
      keyOf(req) === "key-a"
        ? { kind: "error", status: 401, message: "Incorrect API key" }
        : { kind: "text", text: `served by ${keyOf(req)}` },
    );
    expect(await text(await chat(gw, "ds/deepseek-chat"))).toBe("served by key-a2");
    expect(await text(await chat(gw, "ds/deepseek-reasoner"))).toBe("served by key-a2");
    expect(a.requests.filter((r) => keyOf(r) === "key-a")).toHaveLength(1);
  });

  test("per-account rpm: a request that would break it goes to another account", async () => {
    await gw.api("/api/resilience", { method: "PATCH", body: { limits: { rpm: 1 } } });
    await connect(gw, "ds", a, "key-a2");
    a.setScenario((req) => ({ kind: "text", text: `${keyOf(req)}` }));
    const served = [await text(await chat(gw, "ds/deepseek-chat")), await text(await chat(gw, "ds/deepseek-chat"))];
    expect(served.sort()).toEqual(["key-a", "key-a2"]);
  });
});

describe("circuit breaker", () => {
  test("opens after the threshold, then half-open lets exactly one probe through", async () => {
    await gw.api("/api/resilience", {
      method: "PATCH",
      body: { providers: { deepseek: { failureThreshold: 2, breakerCooldownMs: 300 } } },
    });
    a.setScenario({ kind: "error", status: 500, message: "down" });
    await chat(gw, "ds/deepseek-chat");
    await chat(gw, "ds/deepseek-chat");
    expect(a.requests.length).toBe(2);
    const open = await chat(gw, "ds/deepseek-chat");
    expect(open.status).toBe(503);
    expect((await open.json()).error.message).toContain("circuit breaker");
    expect(a.requests.length).toBe(2);
    expect((await (await gw.api("/api/health")).json()).providers[0]).toMatchObject({ provider: "deepseek", state: "open" });

    await Bun.sleep(350);
    a.setScenario({ kind: "text", text: "recovered", delayMs: 100, chunks: 3 });
    const burst = await Promise.all([1, 2, 3].map(() => chat(gw, "ds/deepseek-chat", { stream: true })));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 503, 503]);
    await Promise.all(burst.map((r) => r.text()));
    expect(a.requests.length).toBe(3);
    expect((await (await gw.api("/api/health")).json()).providers[0].state).toBe("closed");
  });
});

describe("restart", () => {
  test("cooldowns survive a restart: the cooled account is not hammered", async () => {
    a.setScenario({ kind: "error", status: 429, message: "Rate limit", headers: { "retry-after": "60" } });
    await chat(gw, "ds/deepseek-chat");
    const dataDir = gw.config.dataDir;
    await gw.close({ keepData: true });
    const second = await startGateway({ DATA_DIR: dataDir });
    try {
      const res = await fetch(`${second.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(50);
      expect(a.requests.length).toBe(1);
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
