// The password throttle: counted before argon2, a 100-way race verifies at most 5, a global limit, a bound on checks at once, locks expire.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLoginThrottle, GLOBAL_MAX_FAILURES, MAX_CONCURRENT_CHECKS, MAX_FAILURES, WINDOW_MS } from "../../src/auth/login-throttle.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
});

const postJson = (g: TestGateway, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${g.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("login race", () => {
  test("100 parallel wrong passwords: at most 5 are checked (401), the rest refused (429) before argon2", async () => {
    const g = await startGateway();
    try {
      const answers = await Promise.all(Array.from({ length: 100 }, () => postJson(g, "/api/auth/login", { password: "wrong" })));
      const statuses = answers.map((r) => r.status);
      const checked = statuses.filter((s) => s === 401).length;
      expect(checked).toBeGreaterThan(0);
      expect(checked).toBeLessThanOrEqual(MAX_FAILURES);
      expect(statuses.filter((s) => s === 429).length).toBe(100 - checked);
      const body = await answers.find((r) => r.status === 429)!.json();
      expect(body.error.code).toBe("login_throttled");
    } finally {
      await g.close();
    }
  });

  test("a locked-out address signs in with the right password once the lock has expired", async () => {
    const g = await startGateway();
    try {
      let now = Date.now();
      g.services.loginThrottle = createLoginThrottle({ now: () => now });
      for (let i = 0; i < MAX_FAILURES; i++) expect((await postJson(g, "/api/auth/login", { password: "wrong" })).status).toBe(401);
      const locked = await postJson(g, "/api/auth/login", { password: "test-password" });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBe(WINDOW_MS / 1000);
      now += WINDOW_MS;
      expect((await postJson(g, "/api/auth/login", { password: "test-password" })).status).toBe(200);
    } finally {
      await g.close();
    }
  });

  test("/api/auth/password is throttled the same way", async () => {
    const g = await startGateway();
    try {
      const cookie = await g.login();
      const change = (current: string) => postJson(g, "/api/auth/password", { current, next: "a-new-long-password" }, { cookie });
      for (let i = 0; i < MAX_FAILURES; i++) expect((await change("wrong")).status).toBe(401);
      const locked = await change("test-password");
      expect(locked.status).toBe(429);
      expect((await locked.json()).error.message).toContain("Too many failed sign-ins");
      // The password did not change.
      expect((await postJson(g, "/api/auth/login", { password: "a-new-long-password" })).status).toBe(429);
      expect(await g.services.password.verify("test-password")).toBe(true);
    } finally {
      await g.close();
    }
  });
});

describe("the in-memory throttle", () => {
  test("across addresses, more than the global limit in a minute pauses every check", async () => {
    let now = 1_000_000;
    const throttle = createLoginThrottle({ now: () => now });
    for (let i = 0; i < GLOBAL_MAX_FAILURES; i++) {
      const d = await throttle.begin(`10.0.${i >> 8}.${i & 255}`);
      if (!d.allowed) throw new Error("refused too early");
      d.attempt.failed();
    }
    const refused = await throttle.begin("192.0.2.1");
    expect(refused).toMatchObject({ allowed: false, reason: "global" });
    now += 60_000;
    expect((await throttle.begin("192.0.2.1")).allowed).toBe(true);
  });

  test("no more than the allowed checks run at once; a finished one frees its place; success forgives the address", async () => {
    const throttle = createLoginThrottle();
    const running = [];
    for (let i = 0; i < MAX_CONCURRENT_CHECKS; i++) {
      const d = await throttle.begin(`198.51.100.${i}`);
      if (!d.allowed) throw new Error("refused too early");
      running.push(d.attempt);
    }
    expect(await throttle.begin("198.51.100.99")).toMatchObject({ allowed: false, reason: "busy", retryAfter: 1 });
    running[0]!.succeeded();
    running[0]!.failed(); // a second verdict changes nothing
    expect((await throttle.begin("198.51.100.99")).allowed).toBe(true);
    expect(throttle.lockouts()).toEqual([]);
  });
});
