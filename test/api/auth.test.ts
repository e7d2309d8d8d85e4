// /api/auth and the management guard: login, throttling, cookies, manage-scoped keys, CSRF.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGateway, type TestGateway, rawDatabase } from "../support/gateway.ts";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("dashboard login", () => {
  test("a right password sets an HttpOnly, SameSite=Lax JWT cookie that opens /api", async () => {
    const res = await post("/api/auth/login", { password: "test-password" });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toContain("auth_token=");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    const session = cookie.split(";")[0]!;
    const status = await (await fetch(`${gw.url}/api/auth/status`, { headers: { cookie: session } })).json();
    expect(status).toMatchObject({ authenticated: true, requireLogin: true });
    expect((await fetch(`${gw.url}/api/keys`, { headers: { cookie: session } })).status).toBe(200);
  });

  test("without a session /api is 401 in the management error shape", async () => {
    const res = await fetch(`${gw.url}/api/keys`);
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error.message).toContain("Sign in");
    expect(body.error.code).toBe("unauthenticated");
  });

  test("a forged or tampered cookie is refused", async () => {
    const res = await fetch(`${gw.url}/api/keys`, { headers: { cookie: "auth_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.AAAA" } });
    expect(res.status).toBe(401);
  });

  test("a cookie-authenticated write from another origin is refused (CSRF)", async () => {
    const session = await gw.login();
    const res = await post("/api/keys", { name: "x" }, { cookie: session, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("csrf");
    const same = await post("/api/keys", { name: "x" }, { cookie: session, origin: gw.url });
    expect(same.status).toBe(201);
  });

  test("an API key without the manage scope cannot use /api; one with it can", async () => {
    const plain = (await gw.services.apiKeys.create("plain", [])).key;
    const res = await fetch(`${gw.url}/api/keys`, { headers: { authorization: `Bearer ${plain}` } });
    expect(res.status).toBe(403);
    expect((await gw.api("/api/keys")).status).toBe(200);
  });

  test("five wrong passwords lock the IP out with 429 and Retry-After; the right one is refused meanwhile", async () => {
    const other = await startGateway();
    try {
      const wrong = (p: string) =>
        fetch(`${other.url}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ password: p }),
        });
      for (let i = 0; i < 5; i++) expect((await wrong("nope")).status).toBe(401);
      const locked = await wrong("test-password");
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
      expect((await locked.json()).error.message).toContain("Too many failed sign-ins");
    } finally {
      await other.close();
    }
  });

  test("changing the password voids older sessions and keeps the caller signed in", async () => {
    const other = await startGateway();
    try {
      const old = await other.login();
      await Bun.sleep(1100);
      const res = await fetch(`${other.url}/api/auth/password`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: old },
        body: JSON.stringify({ current: "test-password", next: "a-new-long-password" }),
      });
      expect(res.status).toBe(200);
      const fresh = res.headers.get("set-cookie")!.split(";")[0]!;
      expect((await fetch(`${other.url}/api/keys`, { headers: { cookie: old } })).status).toBe(401);
      expect((await fetch(`${other.url}/api/keys`, { headers: { cookie: fresh } })).status).toBe(200);
      expect(
        (
          await fetch(`${other.url}/api/auth/login`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ password: "a-new-long-password" }),
          })
        ).status,
      ).toBe(200);
    } finally {
      await other.close();
    }
  });

  test("logout clears the cookie", async () => {
    const res = await post("/api/auth/logout", {});
    expect(res.headers.get("set-cookie")).toContain("auth_token=;");
  });
});

describe("client API keys", () => {
  test("a key is shown once, stored only as a hash, and authenticates client calls", async () => {
    const res = await gw.api("/api/keys", { body: { name: "ci" } });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.key).toStartWith("sk-omni-");
    const listed = await (await gw.api("/api/keys")).json();
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const row = rawDatabase(gw.services).query("select key_hash from api_keys where id = ?").get(created.id) as { key_hash: string };
    expect(row.key_hash).not.toContain(created.key);
    expect((await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${created.key}` } })).status).toBe(200);
    expect((await fetch(`${gw.url}/v1/models`, { headers: { "x-api-key": created.key } })).status).toBe(200);
    expect((await fetch(`${gw.url}/v1/models`, { headers: { "x-goog-api-key": created.key } })).status).toBe(200);
  });

  test("an invalid key is always 401, even when keys are optional", async () => {
    const res = await fetch(`${gw.url}/v1/models`, { headers: { authorization: "Bearer sk-omni-wrong" } });
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toContain("Invalid API key");
  });

  test("a revoked key stops working", async () => {
    const created = await (await gw.api("/api/keys", { body: { name: "temp" } })).json();
    expect((await gw.api(`/api/keys/${created.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${created.key}` } })).status).toBe(401);
  });

  test("REQUIRE_API_KEY=true makes a key mandatory on client routes", async () => {
    const strict = await startGateway({ REQUIRE_API_KEY: "true" });
    try {
      const res = await fetch(`${strict.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(res.status).toBe(401);
      expect((await res.json()).error.message).toContain("API key is required");
    } finally {
      await strict.close();
    }
  });
});
