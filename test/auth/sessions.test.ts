// Sessions are server-side: a forged cookie (public secret, no exp, unknown session) fails, logout and password change end them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { DEFAULT_JWT_SECRET } from "../../src/config.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
// JWT_SECRET left unset: this gateway signs with the one it generated.
beforeAll(async () => {
  gw = await startGateway({ JWT_SECRET: "" });
});
afterAll(async () => {
  await gw.close();
});

const keys = (cookie: string) => fetch(`${gw.url}/api/keys`, { headers: { cookie } });
const sign = (secret: string, claims: Record<string, unknown>, exp = true) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt();
  return (exp ? jwt.setExpirationTime("1h") : jwt).sign(new TextEncoder().encode(secret));
};

describe("session cookies", () => {
  test("a cookie signed with the README's public JWT_SECRET is refused", async () => {
    expect(gw.config.jwtSecret).not.toBe(DEFAULT_JWT_SECRET);
    const forged = await sign(DEFAULT_JWT_SECRET, { sub: "admin", sid: crypto.randomUUID() });
    expect((await keys(`auth_token=${forged}`)).status).toBe(401);
    expect(
      (await fetch(`${gw.url}/dashboard`, { headers: { cookie: `auth_token=${forged}` }, redirect: "manual" })).headers.get("location"),
    ).toStartWith("/login");
  });

  test("a token signed with the real secret counts only with an expiry and a session the server issued", async () => {
    const noExp = await sign(gw.config.jwtSecret, { sub: "admin", sid: crypto.randomUUID() }, false);
    expect((await keys(`auth_token=${noExp}`)).status).toBe(401);
    const unknownSession = await sign(gw.config.jwtSecret, { sub: "admin", sid: crypto.randomUUID() });
    expect((await keys(`auth_token=${unknownSession}`)).status).toBe(401);
    const noSession = await sign(gw.config.jwtSecret, { sub: "admin" });
    expect((await keys(`auth_token=${noSession}`)).status).toBe(401);
  });

  test("after logout the same token no longer opens anything, even sent again by hand", async () => {
    const cookie = await gw.login();
    const other = await gw.login();
    expect((await keys(cookie)).status).toBe(200);
    const out = await fetch(`${gw.url}/api/auth/logout`, { method: "POST", headers: { cookie } });
    expect(out.status).toBe(200);
    expect((await keys(cookie)).status).toBe(401);
    expect(await (await fetch(`${gw.url}/api/auth/status`, { headers: { cookie } })).json()).toMatchObject({ authenticated: false });
    // Another browser's session is not touched.
    expect((await keys(other)).status).toBe(200);
    // The dashboard's sign-out form ends its session too.
    const form = await fetch(`${gw.url}/logout`, { method: "POST", headers: { cookie: other, origin: gw.url }, redirect: "manual" });
    expect(form.status).toBe(303);
    expect((await keys(other)).status).toBe(401);
  });

  test("a password change ends every session at once (no waiting for a new second) and sessions survive a restart", async () => {
    const g = await startGateway({ JWT_SECRET: "" });
    const dataDir = g.config.dataDir;
    try {
      const a = await g.login();
      const b = await g.login();
      const res = await fetch(`${g.url}/api/auth/password`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: a },
        body: JSON.stringify({ current: "test-password", next: "another-long-password" }),
      });
      expect(res.status).toBe(200);
      const fresh = res.headers.get("set-cookie")!.split(";")[0]!;
      for (const old of [a, b]) expect((await fetch(`${g.url}/api/keys`, { headers: { cookie: old } })).status).toBe(401);
      expect((await fetch(`${g.url}/api/keys`, { headers: { cookie: fresh } })).status).toBe(200);
      await g.close({ keepData: true });
      const again = await startGateway({ DATA_DIR: dataDir, JWT_SECRET: "" });
      try {
        expect((await fetch(`${again.url}/api/keys`, { headers: { cookie: fresh } })).status).toBe(200);
      } finally {
        await again.close();
      }
    } finally {
      await g.close();
    }
  });
});
