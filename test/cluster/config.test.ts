// REDIS_URL in the environment: a redis:// or rediss:// URL turns shared state on; anything else stops startup naming it.
import { expect, test } from "bun:test";
import { ConfigError, parseEnv } from "../../src/config.ts";

test("REDIS_URL: unset means none; redis:// and rediss:// are taken as given; another scheme is refused by name", () => {
  expect(parseEnv({}).redisUrl).toBeUndefined();
  expect(parseEnv({ REDIS_URL: "redis://redis:6379" }).redisUrl).toBe("redis://redis:6379");
  expect(parseEnv({ REDIS_URL: "rediss://:secret@cache.example.com:6380/1" }).redisUrl).toBe("rediss://:secret@cache.example.com:6380/1");
  expect(() => parseEnv({ REDIS_URL: "http://redis:6379" })).toThrow(ConfigError);
  expect(() => parseEnv({ REDIS_URL: "redis:6379" })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
});
