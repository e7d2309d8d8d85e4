// Login throttling shared by two gateways on one Redis: failures on either count toward one lockout, so more
// instances do not mean more guesses; a success on either forgives the address.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { MAX_FAILURES } from "../../src/auth/login-throttle.ts";
import type { TestGateway } from "../support/gateway.ts";
import { describeWithRedis } from "../support/redis.ts";
import { flushRedis, startPair } from "./support.ts";

describeWithRedis("shared login throttle (two gateways, one Redis)", (redis) => {
  let pair: [TestGateway, TestGateway];
  beforeEach(async () => {
    await flushRedis(redis().url);
    pair = await startPair(redis().url);
  });
  afterEach(() => Promise.all(pair.map((gw) => gw.close())));
  const login = (gw: TestGateway, password: string) =>
    fetch(`${gw.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password }),
    });

  test("wrong passwords spread over both instances lock the address out on both", async () => {
    const [a, b] = pair;
    for (let i = 0; i < MAX_FAILURES; i++) expect((await login(i % 2 ? b : a, "wrong")).status).toBe(401);
    for (const gw of pair) {
      const locked = await login(gw, "test-password");
      expect(locked.status).toBe(429);
      expect((await locked.json()).error.code).toBe("login_throttled");
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
    }
    const health = await (await b.api("/api/health")).json();
    expect(health.lockouts.some((l: { ip: string }) => l.ip.includes("127.0.0.1"))).toBe(true);
  });

  test("a right password on one instance forgives the address on the other", async () => {
    const [a, b] = pair;
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await login(a, "wrong")).status).toBe(401);
    expect((await login(b, "test-password")).status).toBe(200);
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await login(a, "wrong")).status).toBe(401);
    expect((await login(a, "test-password")).status).toBe(200);
  });
});
