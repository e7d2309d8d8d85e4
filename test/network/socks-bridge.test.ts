// The SOCKS5 bridge against a real SOCKS5 server on loopback: http/https targets, credentials, failures, token, backpressure.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { createSocksBridge } from "../../src/network/socks-bridge.ts";
import { startSocks5Proxy, type FakeSocks5Proxy } from "../fakes/socks5-proxy.ts";
import { TEST_TLS_CERT, TEST_TLS_KEY } from "../fakes/tls-cert.ts";

interface Seen {
  path: string;
  headers: Record<string, string>;
  body: string;
}
const seen: Seen[] = [];
const target = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const body = await req.text();
    seen.push({ path: new URL(req.url).pathname, headers: Object.fromEntries(req.headers), body });
    if (new URL(req.url).pathname === "/big") return new Response(`${body.length}:${Bun.hash(body)}:${"y".repeat(6_000_000)}`);
    return new Response(`hello ${body}`);
  },
});
const tlsTarget = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  tls: { cert: TEST_TLS_CERT, key: TEST_TLS_KEY },
  fetch: (req) => new Response(`tls ${new URL(req.url).pathname}`),
});
const insecure = { rejectUnauthorized: false };

let socks: FakeSocks5Proxy;
let other: FakeSocks5Proxy;
const bridge = createSocksBridge({ handshakeTimeoutMs: 3_000 });
const creds = () => ({ host: "127.0.0.1", port: socks.port, username: "alice", password: "s3cret" });

beforeAll(async () => {
  socks = await startSocks5Proxy({ username: "alice", password: "s3cret" });
  other = await startSocks5Proxy();
});
afterAll(async () => {
  bridge.close();
  await socks.close();
  await other.close();
  target.stop(true);
  tlsTarget.stop(true);
});
beforeEach(() => {
  socks.reset();
  other.reset();
  seen.length = 0;
});

describe("SOCKS5 bridge", () => {
  test("http targets: each request goes through SOCKS5 by host name, bridge headers never reach the target", async () => {
    for (const n of [1, 2, 3]) {
      const res = await fetch(`http://localhost:${target.port}/plain${n}?q=${n}`, {
        method: "POST",
        body: `n${n}`,
        proxy: bridge.proxyOption(creds()),
      });
      expect(await res.text()).toBe(`hello n${n}`);
    }
    expect(seen.map((s) => s.path)).toEqual(["/plain1", "/plain2", "/plain3"]);
    // The target name went to the proxy as a name (address type 3), so DNS resolves at the proxy.
    expect(socks.targets).toEqual([1, 2, 3].map(() => ({ addressType: 3, host: "localhost", port: target.port! })));
    for (const s of seen) {
      expect(Object.keys(s.headers).filter((h) => h.startsWith("x-omniroute") || h.startsWith("proxy-"))).toEqual([]);
    }
  });

  test("https targets: a CONNECT tunnel through SOCKS5, TLS end to end", async () => {
    const res = await fetch(`https://localhost:${tlsTarget.port}/secure`, { proxy: bridge.proxyOption(creds()), tls: insecure });
    expect(await res.text()).toBe("tls /secure");
    expect(socks.targets).toEqual([{ addressType: 3, host: "localhost", port: tlsTarget.port! }]);
  });

  test("an IP literal goes as an address (type 1)", async () => {
    await (await fetch(`http://127.0.0.1:${target.port}/ip`, { proxy: bridge.proxyOption(creds()) })).text();
    expect(socks.targets).toEqual([{ addressType: 1, host: "127.0.0.1", port: target.port! }]);
  });

  test("two SOCKS5 servers through the one bridge: each request goes through its own", async () => {
    const viaOther = bridge.proxyOption({ host: "127.0.0.1", port: other.port });
    for (const option of [bridge.proxyOption(creds()), viaOther, bridge.proxyOption(creds()), viaOther]) {
      await (await fetch(`http://localhost:${target.port}/mix`, { proxy: option })).text();
    }
    expect(socks.targets.length).toBe(2);
    expect(other.targets.length).toBe(2);
  });

  test("wrong credentials: a 502 naming the SOCKS5 proxy (http) or a tunnel error naming it (https)", async () => {
    const wrong = bridge.proxyOption({ ...creds(), password: "nope" });
    const res = await fetch(`http://localhost:${target.port}/x`, { proxy: wrong });
    expect(res.status).toBe(502);
    expect(res.headers.get("x-omniroute-proxy-error")).toBe(`SOCKS5 proxy 127.0.0.1:${socks.port}: rejected the username/password`);
    await res.text();
    const err = await fetch(`https://localhost:${tlsTarget.port}/x`, { proxy: wrong, tls: insecure }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain(`SOCKS5 proxy 127.0.0.1:${socks.port}: rejected the username/password`);
    const none = await fetch(`http://localhost:${target.port}/x`, { proxy: bridge.proxyOption({ host: "127.0.0.1", port: socks.port }) });
    expect(none.headers.get("x-omniroute-proxy-error")).toContain("requires authentication, and no username/password is configured");
    await none.text();
    expect(socks.authFailures).toBe(3);
    expect(seen).toEqual([]);
  });

  test("an unreachable SOCKS5 server and a target the proxy cannot reach are reported as such", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));

    const down = await fetch(`http://localhost:${target.port}/x`, { proxy: bridge.proxyOption({ host: "127.0.0.1", port }) });
    expect(down.status).toBe(502);
    expect(down.headers.get("x-omniroute-proxy-error")).toStartWith(`SOCKS5 proxy 127.0.0.1:${port}: could not connect`);
    await down.text();

    const refused = await fetch(`http://127.0.0.1:${port}/x`, { proxy: bridge.proxyOption(creds()) });
    expect(refused.headers.get("x-omniroute-proxy-error")).toBe(
      `SOCKS5 proxy 127.0.0.1:${socks.port}: could not connect to 127.0.0.1:${port}: connection refused by the target`,
    );
    await refused.text();
  });

  test("callers without this process's token are refused and never reach the SOCKS5 server", async () => {
    const { url } = bridge.proxyOption(creds());
    const res = await fetch(`http://localhost:${target.port}/x`, { proxy: url });
    expect(res.status).toBe(407);
    await res.text();
    const forged = await fetch(`http://localhost:${target.port}/x`, {
      proxy: { url, headers: { ...bridge.proxyOption(creds()).headers, "x-omniroute-bridge-token": "guess" } },
    });
    expect(forged.status).toBe(407);
    await forged.text();
    expect(socks.targets).toEqual([]);
    expect(seen).toEqual([]);
  });

  test("large bodies pass both ways intact (backpressure)", async () => {
    const upload = "x".repeat(8_000_000);
    const res = await fetch(`http://localhost:${target.port}/big`, { method: "POST", body: upload, proxy: bridge.proxyOption(creds()) });
    const text = await res.text();
    const [length, hash, tail] = text.split(":");
    expect(Number(length)).toBe(upload.length);
    expect(hash).toBe(String(Bun.hash(upload)));
    expect(tail!.length).toBe(6_000_000);
  }, 30_000);
});
