// Environment parsing: defaults, bad values named, default secrets refused in production.
import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("loadConfig", () => {
  test("defaults match the documentation", () => {
    const config = loadConfig({ HOME: "/home/u" });
    expect(config.port).toBe(20128);
    expect(config.requireApiKey).toBe(false);
    expect(config.dataDir).toEndWith(".omniroute");
    expect(config.baseUrl).toBe("http://localhost:20128");
    expect(config.responsesStore).toEqual({ ttlSeconds: 3600, maxBytes: 64 * 1024 * 1024 });
  });

  test("a bad value stops startup with a message naming the variable", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ REQUIRE_API_KEY: "maybe" })).toThrow(/REQUIRE_API_KEY/);
    expect(() => loadConfig({ BASE_URL: "not a url" })).toThrow(/BASE_URL/);
    expect(() => loadConfig({ RESPONSES_STORE_TTL_SECONDS: "an hour" })).toThrow(/RESPONSES_STORE_TTL_SECONDS/);
    expect(() => loadConfig({ RESPONSES_STORE_MAX_MB: "0" })).toThrow(/RESPONSES_STORE_MAX_MB/);
  });

  test("production refuses default secrets and names them", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET, API_KEY_SECRET, ENCRYPTION_KEY/);
    const ok = loadConfig({ NODE_ENV: "production", JWT_SECRET: "a".repeat(32), API_KEY_SECRET: "b".repeat(32), ENCRYPTION_KEY: "c".repeat(32) });
    expect(ok.env).toBe("production");
  });

  test("~ in DATA_DIR expands to the home folder", () => {
    expect(loadConfig({ DATA_DIR: "~/gw" }).dataDir).not.toContain("~");
  });
});
