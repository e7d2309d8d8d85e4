// Which proxy a call resolves to: the precedence of levels, `none`, NO_PROXY matching and the environment fallback.
import { describe, expect, test } from "bun:test";
import { bypassesProxy } from "../../src/network/no-proxy.ts";
import type { ProxyConfig, ProxyServer } from "../../src/network/proxy-config.ts";
import { parseProxyUrl, proxyFor } from "../../src/network/proxy-resolve.ts";

const server = (host: string, type: ProxyServer["type"] = "http"): ProxyServer => ({ type, host, port: 3128 });
const config = (over: Partial<ProxyConfig> = {}): ProxyConfig => ({ providers: {}, combos: {}, keys: {}, noProxy: [], ...over });
const full = config({
  global: server("global"),
  providers: { deepseek: server("provider") },
  combos: { Team: server("combo") },
  keys: { k1: server("key") },
});
const url = new URL("https://api.deepseek.com/v1/chat/completions");
const hostOf = (r: ReturnType<typeof proxyFor>) => r?.server.host;

describe("precedence: key -> combo -> connection -> provider -> global -> environment", () => {
  test("the most specific level that names a proxy wins", () => {
    const connectionProxy = server("connection");
    expect(hostOf(proxyFor(full, { keyId: "k1", combo: "Team", provider: "deepseek", connectionProxy }, url, {}))).toBe("key");
    expect(hostOf(proxyFor(full, { keyId: "other", combo: "Team", provider: "deepseek", connectionProxy }, url, {}))).toBe("combo");
    expect(hostOf(proxyFor(full, { combo: "other", provider: "deepseek", connectionProxy }, url, {}))).toBe("connection");
    expect(hostOf(proxyFor(full, { provider: "deepseek" }, url, {}))).toBe("provider");
    expect(hostOf(proxyFor(full, { provider: "openai" }, url, {}))).toBe("global");
    expect(hostOf(proxyFor(config(), { provider: "openai" }, url, { HTTPS_PROXY: "http://env:8080" }))).toBe("env");
    expect(proxyFor(config(), { provider: "openai" }, url, {})).toBeUndefined();
  });

  test("combo names match without regard to case; the label names the level and never the password", () => {
    const withPassword = config({ combos: { Team: { ...server("combo"), username: "u", password: "hunter2" } } });
    const r = proxyFor(withPassword, { combo: "team" }, url, {})!;
    expect(r.source).toBe("combo");
    expect(r.label).toBe('http proxy combo:3128, combo "team" setting');
    expect(r.label).not.toContain("hunter2");
  });

  test("`none` at a level connects directly, whatever less specific levels and the environment say", () => {
    const c = config({ ...full, keys: { k1: { type: "none" } } });
    expect(proxyFor(c, { keyId: "k1", combo: "Team", provider: "deepseek" }, url, { HTTPS_PROXY: "http://env:1" })).toBeUndefined();
    expect(hostOf(proxyFor(c, { keyId: "k2", combo: "Team" }, url, {}))).toBe("combo");
    const global = config({ global: { type: "none" } });
    expect(proxyFor(global, {}, url, { HTTPS_PROXY: "http://env:1" })).toBeUndefined();
  });

  test("NO_PROXY (environment and settings) sends listed hosts direct, even with settings", () => {
    expect(proxyFor(full, { keyId: "k1" }, url, { NO_PROXY: "localhost,.deepseek.com" })).toBeUndefined();
    expect(proxyFor(config({ ...full, noProxy: ["api.deepseek.com"] }), { keyId: "k1" }, url, {})).toBeUndefined();
    expect(hostOf(proxyFor(full, { keyId: "k1" }, url, { no_proxy: "openai.com" }))).toBe("key");
  });
});

describe("environment fallback", () => {
  test("HTTPS_PROXY for https targets, HTTP_PROXY for http ones, ALL_PROXY for both, lower case first", () => {
    const env = { HTTPS_PROXY: "http://secure:1", HTTP_PROXY: "http://plain:2", ALL_PROXY: "socks5h://all:3" };
    expect(hostOf(proxyFor(config(), {}, url, env))).toBe("secure");
    expect(hostOf(proxyFor(config(), {}, new URL("http://x.test/"), env))).toBe("plain");
    expect(proxyFor(config(), {}, new URL("http://x.test/"), { ALL_PROXY: "socks5h://all:3" })?.server).toEqual({
      type: "socks5",
      host: "all",
      port: 3,
    });
    expect(hostOf(proxyFor(config(), {}, url, { https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:1" }))).toBe("lower");
    expect(proxyFor(config(), {}, url, { HTTPS_PROXY: "http://e:1" })?.label).toBe("http proxy e:1, HTTPS_PROXY environment variable");
  });

  test("proxy URLs: credentials decoded, bare host:port is http, unsupported schemes ignored", () => {
    expect(parseProxyUrl("http://us%40er:p%3Ass@proxy.local:8080")).toEqual({
      type: "http",
      host: "proxy.local",
      port: 8080,
      username: "us@er",
      password: "p:ss",
    });
    expect(parseProxyUrl("proxy.local:3128")).toEqual({ type: "http", host: "proxy.local", port: 3128 });
    expect(parseProxyUrl("socks5://[::1]")).toEqual({ type: "socks5", host: "::1", port: 1080 });
    expect(parseProxyUrl("socks4://proxy:1080")).toBeUndefined();
  });
});

describe("NO_PROXY matching", () => {
  const bypass = (target: string, list: string[]) => bypassesProxy(new URL(target), list);
  test("hosts, subdomains, wildcards and ports", () => {
    expect(bypass("https://api.example.com/", ["example.com"])).toBe(true);
    expect(bypass("https://api.example.com/", [".example.com"])).toBe(true);
    expect(bypass("https://api.example.com/", ["*.example.com"])).toBe(true);
    expect(bypass("https://badexample.com/", ["example.com"])).toBe(false);
    expect(bypass("http://anything/", ["*"])).toBe(true);
    expect(bypass("http://localhost:8080/", ["localhost:8080"])).toBe(true);
    expect(bypass("http://localhost:9090/", ["localhost:8080"])).toBe(false);
    expect(bypass("https://API.Example.COM./", ["example.com"])).toBe(true);
  });

  test("IP addresses and IPv4 CIDR ranges", () => {
    expect(bypass("http://10.1.2.3/", ["10.0.0.0/8"])).toBe(true);
    expect(bypass("http://11.1.2.3/", ["10.0.0.0/8"])).toBe(false);
    expect(bypass("http://127.0.0.1:20128/", ["127.0.0.1"])).toBe(true);
    expect(bypass("http://[::1]:20128/", ["::1"])).toBe(true);
  });
});
