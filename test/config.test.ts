// Environment parsing: defaults, bad values named, public defaults refused in production and beyond loopback.
import { describe, expect, test } from "bun:test";
import { ConfigError, DEFAULT_ENCRYPTION_KEY, DEFAULT_JWT_SECRET, parseEnv } from "../src/config.ts";
import { isLoopbackHost } from "../src/network/loopback.ts";

describe("parseEnv", () => {
  test("defaults match the documentation", () => {
    const config = parseEnv({ HOME: "/home/u" });
    expect(config.port).toBe(20128);
    expect(config.requireApiKey).toBe(false);
    expect(config.dataDir).toEndWith(".omniroute");
    expect(config.baseUrl).toBe("http://localhost:20128");
    expect(config.responsesStore).toEqual({ ttlSeconds: 3600, maxBytes: 64 * 1024 * 1024 });
  });

  test("a bad value stops startup with a message naming the variable", () => {
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ REQUIRE_API_KEY: "maybe" })).toThrow(/REQUIRE_API_KEY/);
    expect(() => parseEnv({ BASE_URL: "not a url" })).toThrow(/BASE_URL/);
    expect(() => parseEnv({ RESPONSES_STORE_TTL_SECONDS: "an hour" })).toThrow(/RESPONSES_STORE_TTL_SECONDS/);
    expect(() => parseEnv({ RESPONSES_STORE_MAX_MB: "0" })).toThrow(/RESPONSES_STORE_MAX_MB/);
  });

  test("production with no secrets set starts (they are generated); the public example values are refused, named, with what to do", () => {
    expect(parseEnv({ NODE_ENV: "production" }).exposed).toBe(true);
    const publicValues = {
      JWT_SECRET: DEFAULT_JWT_SECRET,
      API_KEY_SECRET: "endpoint-proxy-api-key-secret",
      ENCRYPTION_KEY: DEFAULT_ENCRYPTION_KEY,
    };
    expect(() => parseEnv({ NODE_ENV: "production", ...publicValues })).toThrow(
      /JWT_SECRET, API_KEY_SECRET, ENCRYPTION_KEY are the public example value/,
    );
    expect(() => parseEnv({ NODE_ENV: "production", JWT_SECRET: DEFAULT_JWT_SECRET })).toThrow(
      /Remove it from the environment .*secrets\.json.*openssl rand -hex 32/,
    );
    const ok = parseEnv({
      NODE_ENV: "production",
      JWT_SECRET: "a".repeat(32),
      API_KEY_SECRET: "b".repeat(32),
      ENCRYPTION_KEY: "c".repeat(32),
    });
    expect(ok.env).toBe("production");
    expect(ok.envSecrets).toEqual({ jwtSecret: "a".repeat(32), apiKeySecret: "b".repeat(32), encryptionKey: "c".repeat(32) });
  });

  test("beyond loopback the public defaults and 123456 are refused even in development; on loopback they are accepted", () => {
    for (const HOSTNAME of ["0.0.0.0", "::", "192.168.1.20", "omni.example.com"]) {
      expect(() => parseEnv({ HOSTNAME, JWT_SECRET: DEFAULT_JWT_SECRET })).toThrow(`listens beyond loopback (HOSTNAME=${HOSTNAME})`);
      expect(() => parseEnv({ HOSTNAME, INITIAL_PASSWORD: "123456" })).toThrow(
        /INITIAL_PASSWORD is the public default "123456".*Remove it/,
      );
      expect(parseEnv({ HOSTNAME }).exposed).toBe(true);
    }
    for (const HOSTNAME of ["127.0.0.1", "127.8.9.10", "::1", "localhost", "[::1]"]) {
      const config = parseEnv({ HOSTNAME, JWT_SECRET: DEFAULT_JWT_SECRET, INITIAL_PASSWORD: "123456" });
      expect(config.exposed).toBe(false);
    }
    expect(() => parseEnv({ HOSTNAME: "127.0.0.1", NODE_ENV: "production", INITIAL_PASSWORD: "123456" })).toThrow(
      /runs with NODE_ENV=production/,
    );
  });

  test("loopback is 127.0.0.0/8, ::1 and localhost; 0.0.0.0 and :: are every interface", () => {
    for (const h of ["127.0.0.1", "127.255.0.1", "::1", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST", "::ffff:127.0.0.1"])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "::2", "localhost.example.com", "example.com"])
      expect(isLoopbackHost(h)).toBe(false);
  });

  test("ALLOWED_HOSTS is a comma-separated list of host names, ports and brackets dropped", () => {
    expect(parseEnv({ ALLOWED_HOSTS: " Omni.Example.com, 10.0.0.5:20128 ,[2001:db8::1]:443,," }).allowedHosts).toEqual([
      "omni.example.com",
      "10.0.0.5",
      "2001:db8::1",
    ]);
    expect(parseEnv({}).allowedHosts).toEqual([]);
  });

  test("telemetry: text logs, private metrics and no tracing by default; the OTLP variables as the OpenTelemetry spec reads them", () => {
    const plain = parseEnv({});
    expect(plain.logFormat).toBe("text");
    expect(plain.metricsPublic).toBe(false);
    expect(plain.tracing).toBeUndefined();
    const traced = parseEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20abc, x-tenant = team ,broken",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "gw-eu",
      LOG_FORMAT: "json",
      METRICS_PUBLIC: "true",
    });
    expect(traced.tracing).toEqual({
      url: "http://collector:4318/v1/traces",
      protocol: "http/json",
      headers: { authorization: "Bearer abc", "x-tenant": "team" },
      serviceName: "gw-eu",
      batchDelayMs: 5000,
      timeoutMs: 10_000,
    });
    expect(traced.logFormat).toBe("json");
    expect(traced.metricsPublic).toBe(true);
    // The traces-specific URL is taken as it is, and wins.
    expect(
      parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b:9999/traces" }).tracing?.url,
    ).toBe("http://b:9999/traces");
    expect(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318" }).tracing?.protocol).toBe("http/protobuf");
    expect(() => parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf or http\/json/,
    );
    expect(() => parseEnv({ LOG_FORMAT: "yaml" })).toThrow(/LOG_FORMAT/);
  });

  test("~ in DATA_DIR expands to the home folder", () => {
    expect(parseEnv({ DATA_DIR: "~/gw" }).dataDir).not.toContain("~");
  });
});
