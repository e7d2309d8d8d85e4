// Chat traffic through configured proxies end to end (gateway -> fixture proxy -> fake upstream): precedence, bypasses, SOCKS5, failures.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { discoverNodeModels } from "../../src/providers/node-models.ts";
import { upstreamFetchInit } from "../../src/network/upstream-fetch.ts";
import type { ProviderSpec } from "../../src/providers/types.ts";
import { startHttpProxy, type FakeHttpProxy } from "../fakes/http-proxy.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startSocks5Proxy, type FakeSocks5Proxy } from "../fakes/socks5-proxy.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let upstream: FakeUpstream;
let connectionId: string;
let keyId: string;
let keySecret: string;
const proxies: Record<"key" | "combo" | "connection" | "provider" | "global" | "env", FakeHttpProxy> = {} as never;
let socks: FakeSocks5Proxy;

const entry = (p: FakeHttpProxy) => ({ type: "http", host: "127.0.0.1", port: p.port });
const upstreamTarget = () => `127.0.0.1:${upstream.port}`;
/** Which fixture proxies carried a request to the upstream. */
const carriedBy = () =>
  Object.entries(proxies)
    .filter(([, p]) => p.requests.some((r) => r.target === upstreamTarget()))
    .map(([name]) => name);

async function putProxy(body: unknown) {
  const res = await gw.api("/api/settings/proxy", { method: "PUT", body });
  expect(res.status).toBe(200);
  return res.json();
}

async function chat(model: string, key?: string) {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model, messages: [{ role: "user", content: `hi ${crypto.randomUUID()}` }] }),
    proxy: false,
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  gw = await startGateway();
  upstream = startOpenAIUpstream();
  for (const name of ["key", "combo", "connection", "provider", "global", "env"] as const) proxies[name] = await startHttpProxy();
  socks = await startSocks5Proxy({ username: "alice", password: "s3cret" });
  const created = await gw.api("/api/providers", { body: { provider: "ds", apiKey: "sk-upstream", baseUrl: `${upstream.url}/v1` } });
  connectionId = ((await created.json()) as any).id;
  expect((await gw.api("/api/combos", { body: { name: "team", models: ["ds/deepseek-chat"] } })).status).toBe(201);
  const key = await gw.services.apiKeys.create("proxied", []);
  keyId = key.row.id;
  keySecret = key.key;
  // Every request must reach the upstream (no cached answers).
  expect((await gw.api("/api/settings", { method: "PUT", body: { cache: { enabled: false, ttlSeconds: 60 } } })).status).toBe(200);
});

afterAll(async () => {
  gw.services.proxies.close();
  await gw.close();
  await upstream.close();
  for (const p of Object.values(proxies)) await p.close();
  await socks.close();
});

beforeEach(async () => {
  gw.services.health.cooldowns.reset();
  gw.services.health.breakers.reset();
  gw.services.proxies.env = {};
  for (const p of Object.values(proxies)) p.reset();
  socks.reset();
  upstream.requests.length = 0;
  upstream.setScenario({ kind: "text", text: "proxied hello" });
  await putProxy({ global: null, providers: null, combos: null, keys: null, noProxy: null });
  await gw.api(`/api/providers/${connectionId}`, { method: "PUT", body: { proxy: null } });
});

describe("chat through proxies", () => {
  test("the global proxy carries chat traffic to the upstream", async () => {
    await putProxy({ global: entry(proxies.global) });
    const { status, body } = await chat("ds/deepseek-chat");
    expect(status).toBe(200);
    expect(body.choices[0].message.content).toBe("proxied hello");
    expect(proxies.global.requests).toMatchObject([
      { kind: "forward", target: upstreamTarget(), url: `${upstream.url}/v1/chat/completions` },
    ]);
    expect(upstream.requests.length).toBe(1);
  });

  test("precedence: key > combo > provider > global, each level proven by its own proxy", async () => {
    await putProxy({
      global: entry(proxies.global),
      providers: { ds: entry(proxies.provider) },
      combos: { team: entry(proxies.combo) },
      keys: { [keyId]: entry(proxies.key) },
    });
    const steps: Array<[unknown, string]> = [
      [{}, "key"],
      [{ keys: { [keyId]: null } }, "combo"],
      [{ combos: { team: null } }, "provider"],
      [{ providers: { ds: null } }, "global"],
    ];
    for (const [patch, expected] of steps) {
      await putProxy(patch);
      for (const p of Object.values(proxies)) p.reset();
      expect((await chat("team", keySecret)).status).toBe(200);
      expect(carriedBy()).toEqual([expected]);
    }
    // A combo's proxy applies only when the request came through that combo.
    await putProxy({ providers: { ds: entry(proxies.provider) }, combos: { team: entry(proxies.combo) } });
    for (const p of Object.values(proxies)) p.reset();
    expect((await chat("ds/deepseek-chat", keySecret)).status).toBe(200);
    expect(carriedBy()).toEqual(["provider"]);
  });

  test("a connection's own proxy outranks the provider and global settings, not the combo", async () => {
    await putProxy({ global: entry(proxies.global), providers: { ds: entry(proxies.provider) } });
    expect((await gw.api(`/api/providers/${connectionId}`, { method: "PUT", body: { proxy: entry(proxies.connection) } })).status).toBe(
      200,
    );
    expect((await chat("ds/deepseek-chat")).status).toBe(200);
    expect(carriedBy()).toEqual(["connection"]);
    await putProxy({ combos: { team: entry(proxies.combo) } });
    for (const p of Object.values(proxies)) p.reset();
    expect((await chat("team")).status).toBe(200);
    expect(carriedBy()).toEqual(["combo"]);
  });

  test("`none` and NO_PROXY go direct", async () => {
    await putProxy({ global: entry(proxies.global), keys: { [keyId]: { type: "none" } } });
    expect((await chat("ds/deepseek-chat", keySecret)).status).toBe(200);
    expect(carriedBy()).toEqual([]);
    expect(upstream.requests.length).toBe(1);

    await putProxy({ keys: null, noProxy: ["127.0.0.1"] });
    expect((await chat("ds/deepseek-chat")).status).toBe(200);
    expect(carriedBy()).toEqual([]);

    await putProxy({ noProxy: null });
    gw.services.proxies.env = { NO_PROXY: `127.0.0.1:${upstream.port}` };
    expect((await chat("ds/deepseek-chat")).status).toBe(200);
    expect(carriedBy()).toEqual([]);
    expect(upstream.requests.length).toBe(3);
  });

  test("the environment (HTTP_PROXY) is the last fallback; any setting beats it", async () => {
    gw.services.proxies.env = { HTTP_PROXY: proxies.env.url };
    expect((await chat("ds/deepseek-chat")).status).toBe(200);
    expect(carriedBy()).toEqual(["env"]);
    await putProxy({ global: entry(proxies.global) });
    for (const p of Object.values(proxies)) p.reset();
    expect((await chat("ds/deepseek-chat")).status).toBe(200);
    expect(carriedBy()).toEqual(["global"]);
  });

  test("an HTTP proxy with Basic auth: the credentials are sent; wrong ones give a 502 naming the proxy", async () => {
    const guarded = await startHttpProxy({ username: "bob", password: "pw" });
    try {
      await putProxy({ global: { type: "http", host: "127.0.0.1", port: guarded.port, username: "bob", password: "pw" } });
      expect((await chat("ds/deepseek-chat")).status).toBe(200);
      expect(guarded.requests[0]!.proxyAuthorization).toBe(`Basic ${btoa("bob:pw")}`);
      await putProxy({ global: { type: "http", host: "127.0.0.1", port: guarded.port, username: "bob", password: "wrong" } });
      const { status, body } = await chat("ds/deepseek-chat");
      expect(status).toBe(502);
      expect(body.error.message).toContain("the proxy refused the credentials");
      expect(body.error.message).toContain(`(via http proxy 127.0.0.1:${guarded.port}, global setting)`);
      expect(upstream.requests.length).toBe(1);
    } finally {
      await guarded.close();
    }
  });
});

describe("SOCKS5", () => {
  const socksEntry = (password: string) => ({ type: "socks5", host: "127.0.0.1", port: socks.port, username: "alice", password });

  test("with credentials: chat goes through the SOCKS5 server", async () => {
    await putProxy({ providers: { ds: socksEntry("s3cret") } });
    const { status, body } = await chat("ds/deepseek-chat");
    expect(status).toBe(200);
    expect(body.choices[0].message.content).toBe("proxied hello");
    expect(socks.targets).toEqual([{ addressType: 1, host: "127.0.0.1", port: upstream.port }]);
  });

  test("a streamed answer comes through SOCKS5 intact, to [DONE]", async () => {
    await putProxy({ global: socksEntry("s3cret") });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "hi" }] }),
      proxy: false,
    });
    const text = await res.text();
    const deltas = [...text.matchAll(/"content":"([^"]*)"/g)].map((m) => m[1]).join("");
    expect(deltas).toBe("proxied hello");
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(socks.targets.length).toBe(1);
  });

  test("a client that leaves aborts the upstream call through the SOCKS5 tunnel", async () => {
    await putProxy({ global: socksEntry("s3cret") });
    upstream.setScenario({ kind: "hang" });
    const controller = new AbortController();
    const pending = fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "hi" }] }),
      signal: controller.signal,
      proxy: false,
    }).catch(() => undefined);
    for (let i = 0; i < 100 && upstream.requests.length === 0; i++) await Bun.sleep(10);
    expect(socks.targets.length).toBe(1);
    const abortedBefore = upstream.aborted;
    controller.abort();
    await pending;
    for (let i = 0; i < 100 && upstream.aborted === abortedBefore; i++) await Bun.sleep(10);
    expect(upstream.aborted).toBeGreaterThan(abortedBefore);
  });

  test("wrong credentials: a 502 that names the SOCKS5 proxy and the reason; the upstream is never called", async () => {
    await putProxy({ providers: { ds: socksEntry("wrong") } });
    const { status, body } = await chat("ds/deepseek-chat");
    expect(status).toBe(502);
    expect(body.error.message).toContain(`SOCKS5 proxy 127.0.0.1:${socks.port}: rejected the username/password`);
    expect(body.error.message).toContain('(provider "deepseek" setting)');
    expect(body.error.message).not.toContain("wrong");
    expect(socks.authFailures).toBe(1);
    expect(upstream.requests.length).toBe(0);
  });
});

describe("other upstream calls use the same proxies", () => {
  test("the connection test goes through the proxy", async () => {
    await putProxy({ global: entry(proxies.global) });
    const res = await gw.api(`/api/providers/${connectionId}/test`, { body: {} });
    expect(((await res.json()) as any).ok).toBe(true);
    expect(carriedBy()).toEqual(["global"]);
  });

  test("a custom node's model discovery goes through the proxy", async () => {
    await putProxy({ global: entry(proxies.global) });
    const spec = { id: "node-x", format: "openai-chat", baseUrl: `${upstream.url}/v1`, headers: {} } as unknown as ProviderSpec;
    const account = { id: "a", provider: "node-x", name: "n", priority: 1, baseUrl: null, credentials: {}, limits: null };
    const ids = await discoverNodeModels(spec, account, (url) =>
      upstreamFetchInit(gw.services.proxies, url, { provider: spec.id, account }),
    );
    expect(ids).toEqual(["fake-listed-model"]);
    expect(proxies.global.requests.map((r) => r.url)).toEqual([`${upstream.url}/v1/models`]);
  });
});
