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
  });

  test("a bad value stops startup with a message naming the variable", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ REQUIRE_API_KEY: "maybe" })).toThrow(/REQUIRE_API_KEY/);
    expect(() => loadConfig({ BASE_URL: "not a url" })).toThrow(/BASE_URL/);
  });

  test("production refuses default secrets and names them", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET, API_KEY_SECRET, ENCRYPTION_KEY/);
    const ok = loadConfig({ NODE_ENV: "production", JWT_SECRET: "a".repeat(32), API_KEY_SECRET: "b".repeat(32), ENCRYPTION_KEY: "c".repeat(32) });
    expect(ok.env).toBe("production");
  });

  test("telemetry: text logs, private metrics and no tracing by default; the OTLP variables as the OpenTelemetry spec reads them", () => {
    const plain = loadConfig({});
    expect(plain.logFormat).toBe("text");
    expect(plain.metricsPublic).toBe(false);
    expect(plain.tracing).toBeUndefined();
    const traced = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/", OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20abc, x-tenant = team ,broken",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_SERVICE_NAME: "gw-eu", LOG_FORMAT: "json", METRICS_PUBLIC: "true",
    });
    expect(traced.tracing).toEqual({
      url: "http://collector:4318/v1/traces", protocol: "http/json", headers: { authorization: "Bearer abc", "x-tenant": "team" }, serviceName: "gw-eu", batchDelayMs: 5000, timeoutMs: 10_000,
    });
    expect(traced.logFormat).toBe("json");
    expect(traced.metricsPublic).toBe(true);
    // The traces-specific URL is taken as it is, and wins.
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b:9999/traces" }).tracing?.url).toBe("http://b:9999/traces");
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318" }).tracing?.protocol).toBe("http/protobuf");
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf or http\/json/);
    expect(() => loadConfig({ LOG_FORMAT: "yaml" })).toThrow(/LOG_FORMAT/);
  });

  test("~ in DATA_DIR expands to the home folder", () => {
    expect(loadConfig({ DATA_DIR: "~/gw" }).dataDir).not.toContain("~");
  });
});
