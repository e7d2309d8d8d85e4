// upstreamFetch / upstreamFetchInit: HTTPS proxies, CONNECT to https targets, explicit `proxy: false`, failures naming the proxy.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { ProxyFailure, upstreamFetch, upstreamFetchInit } from "../../src/network/upstream-fetch.ts";
import { MAX_CONNECTIONS_PER_ORIGIN } from "../../src/network/http1/client.ts";
import { openConnections } from "../../src/network/http1/connection.ts";
import { closeIdle } from "../../src/network/http1/pool.ts";
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
  fetch: (req) => new Response(`plain ${new URL(req.url).pathname}`, { headers: { "x-seen-accept-encoding": req.headers.get("accept-encoding") ?? "" } }),
});
const tlsTarget = Bun.serve({ port: 0, hostname: "127.0.0.1", tls: { cert: TEST_TLS_CERT, key: TEST_TLS_KEY }, fetch: (req) => new Response(`tls ${new URL(req.url).pathname}`) });
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
beforeEach(() => {
  gw.services.proxies.update({ global: null, providers: null, combos: null, keys: null, noProxy: null });
  gw.services.proxies.env = {};
  httpsProxy.reset();
  guarded.reset();
  socks.reset();
});

describe("upstreamFetch", () => {
  test("direct: an answer read whole goes over the gateway's own HTTP/1.1 client, a stream over fetch", async () => {
    // Told apart by what each asks of the server: ours an uncompressed answer, fetch any coding it can decode.
    const whole = await upstreamFetch(gw.services, `${target.url}whole`, { method: "POST", body: "{}" }, {});
    expect(await whole.text()).toBe("plain /whole");
    expect(whole.headers.get("x-seen-accept-encoding")).toBe("identity");
    const streamed = await upstreamFetch(gw.services, `${target.url}streamed`, { method: "POST", body: "{}" }, {}, { stream: true });
    expect(await streamed.text()).toBe("plain /streamed");
    expect(streamed.headers.get("x-seen-accept-encoding")).toContain("gzip");
    // Credentials in the URL: fetch sends them as Basic auth.
    const withUser = await upstreamFetch(gw.services, `${target.url}`.replace("http://", "http://bob:pw@") + "auth", { method: "POST", body: "{}" }, {});
    expect(withUser.headers.get("x-seen-accept-encoding")).toContain("gzip");
  });

  test("a burst past MAX_CONNECTIONS_PER_ORIGIN to one upstream: the rest go by fetch, none waits on the cap or fails", async () => {
    const slow = Bun.serve({ port: 0, hostname: "127.0.0.1", async fetch(req) {
      await Bun.sleep(300);
      return new Response(req.headers.get("accept-encoding") === "identity" ? "ours" : "fetch");
    } });
    try {
      const burst = MAX_CONNECTIONS_PER_ORIGIN + 40;
      const answers = await Promise.all(Array.from({ length: burst }, () => upstreamFetch(gw.services, `${slow.url}burst`, { method: "POST", body: "{}" }, {}).then((r) => r.text())));
      expect(answers.filter((a) => a === "ours")).toHaveLength(MAX_CONNECTIONS_PER_ORIGIN);
      expect(answers.filter((a) => a === "fetch")).toHaveLength(40);
      // Answered, the connections wait idle for the next calls; closed, none is counted any more.
      expect(openConnections(`http://127.0.0.1:${slow.port}`)).toBe(MAX_CONNECTIONS_PER_ORIGIN);
      closeIdle();
      for (let i = 0; i < 50 && openConnections(`http://127.0.0.1:${slow.port}`) > 0; i++) await Bun.sleep(10);
      expect(openConnections(`http://127.0.0.1:${slow.port}`)).toBe(0);
    } finally {
      slow.stop(true);
    }
  }, 20_000);

  test("an https proxy: TLS to the proxy itself (its certificate is checked)", async () => {
    gw.services.proxies.update({ global: { type: "https", host: "localhost", port: httpsProxy.port } });
    const res = await upstreamFetch(gw.services, `http://127.0.0.1:${target.port}/via-tls-proxy`, trustTestCa, { provider: "openai" });
    expect(await res.text()).toBe("plain /via-tls-proxy");
    expect(httpsProxy.requests.map((r) => r.target)).toEqual([`127.0.0.1:${target.port}`]);
    const untrusted = await upstreamFetch(gw.services, `http://127.0.0.1:${target.port}/x`, {}, { provider: "openai" }).then(() => undefined, (e: Error) => e);
    expect(untrusted).toBeInstanceOf(ProxyFailure);
    expect(untrusted!.message).toContain(`(via https proxy localhost:${httpsProxy.port}, global setting)`);
  });

  test("https targets tunnel with CONNECT through an HTTP proxy with Basic auth, and through SOCKS5", async () => {
    gw.services.proxies.update({ providers: { openai: { type: "http", host: "127.0.0.1", port: guarded.port, username: "bob", password: "pw" } } });
    const res = await upstreamFetch(gw.services, `https://localhost:${tlsTarget.port}/secure`, trustTestCa, { provider: "openai" });
    expect(await res.text()).toBe("tls /secure");
    expect(guarded.requests).toMatchObject([{ kind: "connect", target: `localhost:${tlsTarget.port}`, proxyAuthorization: `Basic ${btoa("bob:pw")}` }]);

    gw.services.proxies.update({ providers: { openai: { type: "socks5", host: "127.0.0.1", port: socks.port } } });
    const viaSocks = await upstreamFetch(gw.services, `https://localhost:${tlsTarget.port}/socks`, trustTestCa, { provider: "openai" });
    expect(await viaSocks.text()).toBe("tls /socks");
    expect(socks.targets).toEqual([{ addressType: 3, host: "localhost", port: tlsTarget.port! }]);
  });

  test("a CONNECT refused for wrong credentials is a ProxyFailure naming the proxy and the setting", async () => {
    gw.services.proxies.update({ global: { type: "http", host: "127.0.0.1", port: guarded.port, username: "bob", password: "bad" } });
    const err = await upstreamFetch(gw.services, `https://localhost:${tlsTarget.port}/x`, trustTestCa, {}).then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(ProxyFailure);
    expect(err!.message).toContain("407");
    expect(err!.message).toContain(`(via http proxy 127.0.0.1:${guarded.port}, global setting)`);
  });

  test("upstreamFetchInit: an explicit proxy option, and `false` (never the environment) when direct", async () => {
    gw.services.proxies.env = { HTTP_PROXY: "http://127.0.0.1:9" };
    gw.services.proxies.update({ keys: {}, global: { type: "none" } });
    expect(upstreamFetchInit(gw.services, `http://127.0.0.1:${target.port}/`, {})).toEqual({ proxy: false });
    gw.services.proxies.update({ global: { type: "http", host: "proxy.test", port: 3128, username: "u", password: "p" } });
    expect(upstreamFetchInit(gw.services, "https://api.example.com/", {})).toEqual({
      proxy: { url: "http://proxy.test:3128", headers: { "proxy-authorization": `Basic ${btoa("u:p")}` }, respectNoProxy: false },
    });
    // Direct really is direct, even with HTTP_PROXY in the environment Bun's fetch reads by itself.
    gw.services.proxies.update({ global: null });
    gw.services.proxies.env = {};
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = "http://127.0.0.1:9";
    try {
      expect(await fetch(`http://127.0.0.1:${target.port}/env`).then(() => "reached", () => "failed")).toBe("failed");
      const res = await upstreamFetch(gw.services, `http://127.0.0.1:${target.port}/direct`, {}, {});
      expect(await res.text()).toBe("plain /direct");
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  });
});
