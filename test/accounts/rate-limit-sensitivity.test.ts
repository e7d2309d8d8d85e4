// Rate-limit detection sensitivity (rateLimitStrikes): how many 429s in a row cool an account; a provider's Retry-After always does.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MemoryCooldowns } from "../../src/accounts/cooldowns.ts";
import { DEFAULT_RESILIENCE } from "../../src/accounts/profiles.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { chat, connect } from "../routing/support.ts";

const NOW = 1_000_000;
const slow = { kind: "rate_limit" as const, status: 429, message: "slow down" };

describe("Cooldowns with rate-limit strikes", () => {
  test("below the strikes a 429 is counted, not cooled; the strike that reaches them cools for the base backoff", () => {
    const profile = { ...DEFAULT_RESILIENCE.defaults, rateLimitStrikes: 3, backoffBaseMs: 1000 };
    const c = new MemoryCooldowns();
    expect(c.penalize("a", "m", slow, profile, NOW).until).toBe(NOW);
    expect(c.penalize("a", "m", slow, profile, NOW).until).toBe(NOW);
    expect(c.until("a", "m", NOW)).toBe(0);
    expect(c.penalize("a", "m", slow, profile, NOW).until).toBe(NOW + 1000);
    expect(c.penalize("a", "m", slow, profile, NOW).until).toBe(NOW + 2000);
    // A success ends the streak.
    c.succeeded("a", "m", NOW);
    expect(c.penalize("a", "m", slow, profile, NOW).until).toBe(NOW);
  });

  test("a Retry-After, a quota or the default sensitivity (1) cools at once", () => {
    const lenient = { ...DEFAULT_RESILIENCE.defaults, rateLimitStrikes: 5 };
    const c = new MemoryCooldowns();
    expect(c.penalize("a", "m", { ...slow, retryAt: NOW + 30_000 }, lenient, NOW).until).toBe(NOW + 30_000);
    expect(c.penalize("b", null, { kind: "quota", status: 429, message: "usage limit" }, lenient, NOW).until).toBeGreaterThan(NOW);
    expect(c.penalize("c", "m", slow, DEFAULT_RESILIENCE.defaults, NOW).until).toBe(NOW + DEFAULT_RESILIENCE.defaults.backoffBaseMs);
  });
});

describe("through the gateway", () => {
  let gw: TestGateway;
  let a: FakeUpstream;
  let b: FakeUpstream;
  beforeAll(async () => {
    gw = await startGateway();
    a = startOpenAIUpstream((_req, call) =>
      call === 1 ? { kind: "error", status: 429, message: "Too many requests" } : { kind: "text", text: "from A" },
    );
    b = startOpenAIUpstream({ kind: "text", text: "from B" });
    await connect(gw, "ds", a, "key-a", { priority: 1 });
    await connect(gw, "ds", b, "key-b", { priority: 2 });
  });
  afterAll(async () => {
    await gw.close();
    await a.close();
    await b.close();
  });

  test("with 2 strikes a stray 429 moves the request on but leaves the account in service", async () => {
    const saved = await gw.api("/api/resilience", { method: "PATCH", body: { defaults: { rateLimitStrikes: 2 } } });
    expect(saved.status).toBe(200);
    expect((await saved.json()).defaults.rateLimitStrikes).toBe(2);
    expect((await (await chat(gw, "ds/deepseek-chat")).json()).choices[0].message.content).toBe("from B");
    expect(gw.services.health.cooldowns.active()).toEqual([]);
    expect((await (await chat(gw, "ds/deepseek-chat")).json()).choices[0].message.content).toBe("from A");
  });

  test("a strikes value out of range is a 400 that names it", async () => {
    const res = await gw.api("/api/resilience", { method: "PATCH", body: { defaults: { rateLimitStrikes: 0 } } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("rateLimitStrikes");
  });
});
