// upstreamFetch / upstreamFetchInit: HTTPS proxies, CONNECT to https targets, explicit `proxy: false`, failures naming the proxy.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { ProxyFailure, upstreamFetch, upstreamFetchInit } from "../../src/network/upstream-fetch.ts";
import { startHttpProxy, type FakeHttpProxy } from "../fakes/http-proxy.ts";
import { startSocks5Proxy, type FakeSocks5Proxy } from "../fakes/socks5-proxy.ts";
import { TEST_TLS_CERT, TEST_TLS_KEY } from "../fakes/tls-cert.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let httpsProxy: FakeHttpProxy;
let guarded: FakeHttpProxy;
let socks: FakeSocks5Proxy;
const target = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: (req) =>
    new Response(`plain ${new URL(req.url).pathname}`, { headers: { "x-seen-accept-encoding": req.headers.get("accept-encoding") ?? "" } }),
});
const tlsTarget = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  tls: { cert: TEST_TLS_CERT, key: TEST_TLS_KEY },
  fetch: (req) => new Response(`tls ${new URL(req.url).pathname}`),
});
const trustTestCa = { tls: { ca: TEST_TLS_CERT } };

beforeAll(async () => {
  gw = await startGateway();
  httpsProxy = await startHttpProxy({ tls: { cert: TEST_TLS_CERT, key: TEST_TLS_KEY } });
  guarded = await startHttpProxy({ username: "bob", password: "pw" });
  socks = await startSocks5Proxy();
});
afterAll(async () => {
  gw.services.proxies.close();
  await gw.close();
  await httpsProxy.close();
  await guarded.close();
  await socks.close();
  target.stop(true);
  tlsTarget.stop(true);
});
beforeEach(async () => {
  await gw.services.proxies.update({ global: null, providers: null, combos: null, keys: null, noProxy: null });
  gw.services.proxies.env = {};
  httpsProxy.reset();
  guarded.reset();
  socks.reset();
});

describe("upstreamFetch", () => {
  test("direct: one transport (Bun's fetch), never through a proxy from the environment it did not ask for", async () => {
    const whole = await upstreamFetch(gw.services.proxies, `${target.url}whole`, { method: "POST", body: "{}" }, {});
    expect(await whole.text()).toBe("plain /whole");
    // Credentials in the URL: fetch sends them as Basic auth.
    const withUser = await upstreamFetch(
      gw.services.proxies,
      `${target.url}`.replace("http://", "http://bob:pw@") + "auth",
      { method: "POST", body: "{}" },
      {},
    );
    expect(await withUser.text()).toBe("plain /auth");
  });

  test("an https proxy: TLS to the proxy itself (its certificate is checked)", async () => {
    await gw.services.proxies.update({ global: { type: "https", host: "localhost", port: httpsProxy.port } });
    const res = await upstreamFetch(gw.services.proxies, `http://127.0.0.1:${target.port}/via-tls-proxy`, trustTestCa, {
      provider: "openai",
    });
    expect(await res.text()).toBe("plain /via-tls-proxy");
    expect(httpsProxy.requests.map((r) => r.target)).toEqual([`127.0.0.1:${target.port}`]);
    const untrusted = await upstreamFetch(gw.services.proxies, `http://127.0.0.1:${target.port}/x`, {}, { provider: "openai" }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(untrusted).toBeInstanceOf(ProxyFailure);
    expect(untrusted!.message).toContain(`(via https proxy localhost:${httpsProxy.port}, global setting)`);
  });

  test("https targets tunnel with CONNECT through an HTTP proxy with Basic auth, and through SOCKS5", async () => {
    await gw.services.proxies.update({
      providers: { openai: { type: "http", host: "127.0.0.1", port: guarded.port, username: "bob", password: "pw" } },
    });
    const res = await upstreamFetch(gw.services.proxies, `https://localhost:${tlsTarget.port}/secure`, trustTestCa, { provider: "openai" });
    expect(await res.text()).toBe("tls /secure");
    expect(guarded.requests).toMatchObject([
      { kind: "connect", target: `localhost:${tlsTarget.port}`, proxyAuthorization: `Basic ${btoa("bob:pw")}` },
    ]);

    await gw.services.proxies.update({ providers: { openai: { type: "socks5", host: "127.0.0.1", port: socks.port } } });
    const viaSocks = await upstreamFetch(gw.services.proxies, `https://localhost:${tlsTarget.port}/socks`, trustTestCa, {
      provider: "openai",
    });
    expect(await viaSocks.text()).toBe("tls /socks");
    expect(socks.targets).toEqual([{ addressType: 3, host: "localhost", port: tlsTarget.port! }]);
  });

  test("a CONNECT refused for wrong credentials is a ProxyFailure naming the proxy and the setting", async () => {
    await gw.services.proxies.update({ global: { type: "http", host: "127.0.0.1", port: guarded.port, username: "bob", password: "bad" } });
    const err = await upstreamFetch(gw.services.proxies, `https://localhost:${tlsTarget.port}/x`, trustTestCa, {}).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(ProxyFailure);
    expect(err!.message).toContain("407");
    expect(err!.message).toContain(`(via http proxy 127.0.0.1:${guarded.port}, global setting)`);
  });

  test("upstreamFetchInit: an explicit proxy option, and `false` (never the environment) when direct", async () => {
    gw.services.proxies.env = { HTTP_PROXY: "http://127.0.0.1:9" };
    await gw.services.proxies.update({ keys: {}, global: { type: "none" } });
    expect(upstreamFetchInit(gw.services.proxies, `http://127.0.0.1:${target.port}/`, {})).toEqual({ proxy: false });
    await gw.services.proxies.update({ global: { type: "http", host: "proxy.test", port: 3128, username: "u", password: "p" } });
    expect(upstreamFetchInit(gw.services.proxies, "https://api.example.com/", {})).toEqual({
      proxy: { url: "http://proxy.test:3128", headers: { "proxy-authorization": `Basic ${btoa("u:p")}` }, respectNoProxy: false },
    });
    // Direct really is direct, even with HTTP_PROXY in the environment Bun's fetch reads by itself.
    await gw.services.proxies.update({ global: null });
    gw.services.proxies.env = {};
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = "http://127.0.0.1:9";
    try {
      expect(
        await fetch(`http://127.0.0.1:${target.port}/env`).then(
          () => "reached",
          () => "failed",
        ),
      ).toBe("failed");
      const res = await upstreamFetch(gw.services.proxies, `http://127.0.0.1:${target.port}/direct`, {}, {});
      expect(await res.text()).toBe("plain /direct");
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  });
});
