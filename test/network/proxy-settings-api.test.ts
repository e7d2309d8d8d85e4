// /api/settings/proxy: merge semantics, validation, passwords sealed at rest and never returned; and the live test.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { createSecretBox } from "../../src/auth/secret-box.ts";
import { createProxyStore } from "../../src/network/proxy-config.ts";
import { startHttpProxy, type FakeHttpProxy } from "../fakes/http-proxy.ts";
import { startSocks5Proxy, type FakeSocks5Proxy } from "../fakes/socks5-proxy.ts";
import { startGateway, type TestGateway, rawDatabase } from "../support/gateway.ts";

let gw: TestGateway;
let http: FakeHttpProxy;
let guarded: FakeHttpProxy;
let socks: FakeSocks5Proxy;
let closedPort: number;

const put = async (body: unknown) => gw.api("/api/settings/proxy", { method: "PUT", body });
const view = async () => (await (await gw.api("/api/settings/proxy")).json()) as any;
const rawStored = () => (rawDatabase(gw.services).query("select value from settings where key = 'proxy'").get() as { value: string }).value;
const runTest = async (body: unknown) => {
  // Over the socket: the test's target is this gateway's own /healthz, at the address the request came to.
  const res = await fetch(`${gw.url}/api/settings/proxy/test`, {
    method: "POST",
    headers: { authorization: `Bearer ${await gw.adminKey()}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  gw = await startGateway();
  http = await startHttpProxy();
  guarded = await startHttpProxy({ username: "bob", password: "pw" });
  socks = await startSocks5Proxy({ username: "alice", password: "s3cret-pass" });
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  closedPort = (closed.address() as { port: number }).port;
  await new Promise<void>((r) => closed.close(() => r()));
});

afterAll(async () => {
  gw.services.proxies.close();
  await gw.close();
  await http.close();
  await guarded.close();
  await socks.close();
});

beforeEach(async () => {
  expect((await put({ global: null, providers: null, combos: null, keys: null, noProxy: null })).status).toBe(200);
  http.reset();
  guarded.reset();
  socks.reset();
});

describe("GET/PUT /api/settings/proxy", () => {
  test("passwords are never returned, and are sealed (with the username) in the database", async () => {
    const res = await put({ global: { type: "socks5", host: "10.0.0.5", port: 1080, username: "alice-user", password: "s3cret-pass" } });
    const returned = await res.json();
    expect(returned.global).toEqual({ type: "socks5", host: "10.0.0.5", port: 1080, username: "alice-user", hasPassword: true });
    const got = await view();
    expect(got.global).toEqual(returned.global);
    expect(JSON.stringify(got)).not.toContain("s3cret-pass");

    const stored = rawStored();
    expect(stored).toContain("10.0.0.5");
    expect(stored).not.toContain("s3cret-pass");
    expect(stored).not.toContain("alice-user");
    expect(stored).toMatch(/"auth":"v1\.[\w-]+\.[\w-]+\.[\w-]+"/);

    // Opened again from the database (as after a restart), the credentials are whole; under another key, unusable.
    expect((await createProxyStore(gw.services.store, gw.services.secrets)).get().global).toEqual({
      type: "socks5",
      host: "10.0.0.5",
      port: 1080,
      username: "alice-user",
      password: "s3cret-pass",
    });
    expect((await createProxyStore(gw.services.store, createSecretBox("another-encryption-key-entirely"))).get().global).toBeUndefined();
  });

  test("PUT merges entries; null removes one; provider aliases become ids; combos and keys by name and id", async () => {
    expect((await gw.api("/api/combos", { body: { name: "Team", models: ["ds/deepseek-chat"] } })).status).toBe(201);
    const key = await gw.services.apiKeys.create("k", []);
    await put({ providers: { ds: { type: "http", host: "p1", port: 3128 } } });
    await put({
      providers: { openai: { type: "https", host: "p2", port: 443 } },
      combos: { team: { type: "none" } },
      keys: { [key.row.id]: { type: "http", host: "p3", port: 8080 } },
    });
    let got = await view();
    expect(Object.keys(got.providers).sort()).toEqual(["deepseek", "openai"]);
    expect(got.combos).toEqual({ Team: { type: "none" } });
    expect(got.keys[key.row.id]).toEqual({ type: "http", host: "p3", port: 8080, hasPassword: false });
    await put({ providers: { deepseek: null }, noProxy: ["localhost", ".internal"] });
    got = await view();
    expect(Object.keys(got.providers)).toEqual(["openai"]);
    expect(got.noProxy).toEqual(["localhost", ".internal"]);
  });

  test("an omitted password is kept for the same proxy and username; null removes it; another proxy drops it", async () => {
    const base = { type: "http", host: "proxy.local", port: 3128, username: "u" };
    await put({ global: { ...base, password: "pw1" } });
    expect((await view()).global.hasPassword).toBe(true);
    await put({ global: base });
    expect((await view()).global.hasPassword).toBe(true);
    expect(gw.services.proxies.get().global).toMatchObject({ password: "pw1" });
    await put({ global: { ...base, password: null } });
    expect((await view()).global.hasPassword).toBe(false);
    await put({ global: { ...base, password: "pw2" } });
    await put({ global: { ...base, host: "elsewhere.local" } });
    expect((await view()).global.hasPassword).toBe(false);
  });

  test("bad input is refused naming the field; removing an unknown entry is fine", async () => {
    const cases: Array<[unknown, string]> = [
      [{ providers: { nope: { type: "http", host: "h", port: 1 } } }, "providers.nope"],
      [{ keys: { "no-such-key": { type: "http", host: "h", port: 1 } } }, "keys.no-such-key"],
      [{ combos: { ghost: { type: "http", host: "h", port: 1 } } }, "combos.ghost"],
      [{ global: { type: "http", host: "http://h", port: 1 } }, "global.host"],
      [{ global: { type: "http", host: "h:8080", port: 1 } }, "global.host"],
      [{ global: { type: "http", host: "h", port: 70000 } }, "global.port"],
      [{ global: { type: "socks4", host: "h", port: 1 } }, "global"],
    ];
    for (const [body, param] of cases) {
      const res = await put(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.field).toStartWith(param);
    }
    expect((await put({ providers: { nope: null } })).status).toBe(200);
  });

  test("/api/settings/proxy is mounted beside /api/settings without shadowing it, behind management auth", async () => {
    expect(((await (await gw.api("/api/settings")).json()) as any).routingStrategy).toBeDefined();
    expect((await fetch(`${gw.url}/api/settings/proxy`)).status).toBe(401);
  });
});

describe("POST /api/settings/proxy/test", () => {
  test("a real request through an HTTP proxy to this gateway's /healthz: ok with latency", async () => {
    const { status, body } = await runTest({ proxy: { type: "http", host: "127.0.0.1", port: http.port } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, status: 200, url: `${gw.url}/healthz` });
    expect(body.latencyMs).toBeGreaterThanOrEqual(0);
    expect(http.requests.map((r) => r.url)).toEqual([`${gw.url}/healthz`]);
  });

  test("SOCKS5 with credentials, and a stored entry tested by its level with its stored password", async () => {
    const socksEntry = { type: "socks5", host: "127.0.0.1", port: socks.port, username: "alice", password: "s3cret-pass" };
    expect((await runTest({ proxy: socksEntry })).body.ok).toBe(true);
    await put({ global: socksEntry });
    const { body } = await runTest({ level: "global" });
    expect(body.ok).toBe(true);
    expect(socks.targets.length).toBe(2);
    expect(socks.targets[0]!.port).toBe(Number(new URL(gw.url).port));
  });

  test("failures say why: wrong SOCKS5 credentials, a refused Basic auth, a proxy that is down", async () => {
    const wrong = await runTest({ proxy: { type: "socks5", host: "127.0.0.1", port: socks.port, username: "alice", password: "nope" } });
    expect(wrong.body.ok).toBe(false);
    expect(wrong.body.error).toContain(`SOCKS5 proxy 127.0.0.1:${socks.port}: rejected the username/password`);

    const refused = await runTest({ proxy: { type: "http", host: "127.0.0.1", port: guarded.port, username: "bob", password: "bad" } });
    expect(refused.body.ok).toBe(false);
    expect(refused.body.error).toContain("refused the credentials");
    expect(
      (await runTest({ proxy: { type: "http", host: "127.0.0.1", port: guarded.port, username: "bob", password: "pw" } })).body.ok,
    ).toBe(true);

    const down = await runTest({ proxy: { type: "http", host: "127.0.0.1", port: closedPort } });
    expect(down.body.ok).toBe(false);
    expect(down.body.error).toContain(`http proxy 127.0.0.1:${closedPort}`);
    expect(typeof down.body.latencyMs).toBe("number");
  });

  test("an explicit url is fetched through the proxy; a missing stored entry is a 404; nothing to test is a 400", async () => {
    const target = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("fine") });
    try {
      const { body } = await runTest({
        proxy: { type: "http", host: "127.0.0.1", port: http.port },
        url: `http://127.0.0.1:${target.port}/ping`,
      });
      expect(body).toMatchObject({ ok: true, status: 200 });
      expect(http.requests.map((r) => r.url)).toEqual([`http://127.0.0.1:${target.port}/ping`]);
    } finally {
      target.stop(true);
    }
    expect((await runTest({ level: "keys", id: "nope" })).status).toBe(404);
    expect((await runTest({})).status).toBe(400);
  });
});
