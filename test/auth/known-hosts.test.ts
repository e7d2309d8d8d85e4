// DNS rebinding: a foreign Host gets 421 on every route in the caller's format; known names and addresses pass. Browser security headers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hostOf, isKnownHost, knownHostNames } from "../../src/auth/known-hosts.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ BASE_URL: "https://omni.example.com", ALLOWED_HOSTS: "gw.internal" });
});
afterAll(async () => {
  await gw.close();
});

const asHost = (host: string, path: string, init: RequestInit = {}) =>
  fetch(`${gw.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), host }, redirect: "manual" });

describe("foreign Host", () => {
  test("signing in and creating a manage key from attacker.test are refused with 421; nothing is created", async () => {
    const before = gw.services.apiKeys.list().length;
    const signIn = await asHost("attacker.test", "/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://attacker.test" },
      body: JSON.stringify({ password: "test-password" }),
    });
    expect(signIn.status).toBe(421);
    expect(signIn.headers.get("set-cookie")).toBeNull();
    const body = await signIn.json();
    expect(body.error.code).toBe("misdirected_request");
    expect(body.error.message).toContain("ALLOWED_HOSTS");
    const key = await asHost("attacker.test:20128", "/api/keys", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await gw.adminKey()}` },
      body: JSON.stringify({ name: "x", scopes: ["manage"] }),
    });
    expect(key.status).toBe(421);
    expect(gw.services.apiKeys.list().length).toBe(before + 1); // only the admin key this test made
  });

  test("every route answers 421 in its caller's format", async () => {
    const chat = await asHost("attacker.test", "/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(chat.status).toBe(421);
    expect((await chat.json()).error.message).toContain("does not answer to the host name");
    const messages = await asHost("attacker.test", "/v1/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(messages.status).toBe(421);
    expect(await messages.json()).toMatchObject({ type: "error", error: { message: expect.stringContaining("attacker.test") } });
    const gemini = await asHost("attacker.test", "/v1beta/models");
    expect(gemini.status).toBe(421);
    expect((await gemini.json()).error.message).toContain("attacker.test");
    for (const path of ["/", "/login", "/dashboard", "/healthz", "/static/app.css"])
      expect((await asHost("rebind.attacker.test", path)).status).toBe(421);
  });

  test("loopback names, IP literals, the BASE_URL host and ALLOWED_HOSTS are answered", async () => {
    for (const host of [
      "localhost:20128",
      "127.0.0.1",
      "[::1]:20128",
      "omni.example.com",
      "OMNI.example.com.",
      "gw.internal:8080",
      "192.168.1.20:20128",
      "[2001:db8::1]",
    ]) {
      expect((await asHost(host, "/healthz")).status).toBe(200);
    }
  });

  test("host names are compared without port, brackets, case or trailing dot; * turns the check off", () => {
    expect(hostOf("Example.COM:443")).toBe("example.com");
    expect(hostOf("[::1]:80")).toBe("::1");
    expect(hostOf("example.com.")).toBe("example.com");
    const names = knownHostNames({ baseUrl: "http://localhost:20128", allowedHosts: [], hostname: "0.0.0.0" });
    expect(isKnownHost("attacker.test", names)).toBe(false);
    expect(isKnownHost("attacker.test", new Set(["*"]))).toBe(true);
    expect(isKnownHost("box", knownHostNames({ baseUrl: "http://localhost:20128", allowedHosts: [], hostname: "box" }))).toBe(true);
  });
});

describe("security headers", () => {
  test("dashboard pages refuse framing and send no referrer; every answer is nosniff", async () => {
    for (const path of ["/login", "/dashboard", "/"]) {
      const res = await fetch(`${gw.url}${path}`, { redirect: "manual" });
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
    const api = await fetch(`${gw.url}/v1/models`);
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.headers.get("x-frame-options")).toBeNull();
  });
});
