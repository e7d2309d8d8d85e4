// Sync configuration: off without CLOUD_URL; with it, the API key and passphrase are required and the rest defaults.
import { describe, expect, test } from "bun:test";
import { ConfigError, parseEnv } from "../../src/config.ts";

describe("cloud sync config", () => {
  test("off unless CLOUD_URL is set", () => {
    expect(parseEnv({}).cloudSync).toBeUndefined();
  });

  test("CLOUD_URL without its key and passphrase stops startup, naming both", () => {
    expect(() => parseEnv({ CLOUD_URL: "https://cloud.example.com" })).toThrow(ConfigError);
    expect(() => parseEnv({ CLOUD_URL: "https://cloud.example.com" })).toThrow(/CLOUD_API_KEY and CLOUD_SYNC_KEY are not/);
    expect(() => parseEnv({ CLOUD_URL: "https://cloud.example.com", CLOUD_API_KEY: "k" })).toThrow(/CLOUD_SYNC_KEY is not/);
    expect(() => parseEnv({ CLOUD_URL: "https://cloud.example.com", CLOUD_API_KEY: "k", CLOUD_SYNC_KEY: "short" })).toThrow(
      /CLOUD_SYNC_KEY/,
    );
    expect(() => parseEnv({ CLOUD_URL: "ftp://cloud.example.com", CLOUD_API_KEY: "k", CLOUD_SYNC_KEY: "long enough passphrase" })).toThrow(
      /CLOUD_URL/,
    );
  });

  test("defaults: space 'default', every 60 s, 5 s per call; a trailing slash is trimmed", () => {
    const config = parseEnv({
      CLOUD_URL: "https://cloud.example.com/omniroute/",
      CLOUD_API_KEY: "sk-cloud",
      CLOUD_SYNC_KEY: "long enough passphrase",
    });
    expect(config.cloudSync).toEqual({
      url: "https://cloud.example.com/omniroute",
      apiKey: "sk-cloud",
      passphrase: "long enough passphrase",
      space: "default",
      intervalSeconds: 60,
      timeoutMs: 5000,
    });
    expect(() =>
      parseEnv({
        CLOUD_URL: "https://c.example",
        CLOUD_API_KEY: "k",
        CLOUD_SYNC_KEY: "long enough passphrase",
        CLOUD_SYNC_INTERVAL_SECONDS: "1",
      }),
    ).toThrow(/CLOUD_SYNC_INTERVAL_SECONDS/);
    expect(() =>
      parseEnv({ CLOUD_URL: "https://c.example", CLOUD_API_KEY: "k", CLOUD_SYNC_KEY: "long enough passphrase", CLOUD_SYNC_SPACE: "a b" }),
    ).toThrow(/CLOUD_SYNC_SPACE/);
  });
});
