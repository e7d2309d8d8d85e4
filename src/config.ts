// Environment parsed once with zod into a frozen Config; mirrors .env.example. A bad value stops startup.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";

export const DEFAULT_JWT_SECRET = "omniroute-default-secret-change-me";
export const DEFAULT_API_KEY_SECRET = "endpoint-proxy-api-key-secret";
export const DEFAULT_ENCRYPTION_KEY = "omniroute-default-encryption-key-change-me";
export const DEFAULT_PASSWORD = "123456";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const EnvSchema = z.object({
  PORT: z.coerce.number({ message: "must be a number" }).int().min(0).max(65535).default(20128),
  HOSTNAME: z.string().min(1).default("127.0.0.1"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATA_DIR: z.string().min(1).default(join(homedir(), ".omniroute")),
  BASE_URL: z.url({ message: "must be a URL such as http://localhost:20128" }).optional(),
  CLOUD_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL such as https://omniroute.example.com" }).optional(),
  CLOUD_API_KEY: z.string().min(1).optional(),
  CLOUD_SYNC_KEY: z.string().min(12, "must be at least 12 characters (a passphrase every device shares)").optional(),
  CLOUD_SYNC_SPACE: z.string().regex(/^[\w.-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'").default("default"),
  CLOUD_SYNC_INTERVAL_SECONDS: z.coerce.number({ message: "must be a number" }).int().min(5).max(86_400).default(60),
  CLOUD_SYNC_TIMEOUT_MS: z.coerce.number({ message: "must be a number" }).int().min(100).max(120_000).default(5_000),
  JWT_SECRET: z.string().min(16, "must be at least 16 characters").default(DEFAULT_JWT_SECRET),
  INITIAL_PASSWORD: z.string().min(1).default(DEFAULT_PASSWORD),
  API_KEY_SECRET: z.string().min(16, "must be at least 16 characters").default(DEFAULT_API_KEY_SECRET),
  ENCRYPTION_KEY: z.string().min(16, "must be at least 16 characters").default(DEFAULT_ENCRYPTION_KEY),
  REQUIRE_API_KEY: bool.default(false),
  ENABLE_REQUEST_LOGS: bool.default(false),
  AUTH_COOKIE_SECURE: bool.default(false),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  MAX_REQUEST_BODY_MB: z.coerce.number({ message: "must be a number" }).positive().max(100).default(32),
  MAX_CONNECTIONS_PER_IP: z.coerce.number({ message: "must be a number" }).int().min(0).default(128),
  IDLE_TIMEOUT_SECONDS: z.coerce.number({ message: "must be a number" }).int().min(1).max(255).default(30),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  CONFIG_FILE: z.string().min(1).optional(),
  LOG_FORMAT: z.enum(["text", "json"]).default("text"),
  METRICS_PUBLIC: bool.default(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, message: "must be an http(s) URL such as http://otel-collector:4318" }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, message: "must be an http(s) URL such as http://otel-collector:4318/v1/traces" }).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(["http/protobuf", "http/json"], { message: "must be http/protobuf or http/json (grpc is not supported)" }).default("http/protobuf"),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("omniroute"),
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number({ message: "must be a number of milliseconds" }).int().min(0).default(5_000),
  OTEL_EXPORTER_OTLP_TIMEOUT: z.coerce.number({ message: "must be a number of milliseconds" }).int().min(1).default(10_000),
});

export type Config = Readonly<{
  port: number;
  hostname: string;
  env: "development" | "production" | "test";
  dataDir: string;
  baseUrl: string;
  cloudUrl?: string;
  /** Set when CLOUD_URL is: how this gateway syncs providers, combos and settings with it (src/sync/). */
  cloudSync?: CloudSyncConfig;
  jwtSecret: string;
  initialPassword: string;
  apiKeySecret: string;
  encryptionKey: string;
  requireApiKey: boolean;
  enableRequestLogs: boolean;
  authCookieSecure: boolean;
  shutdownTimeoutMs: number;
  /** A JSON body larger than this is refused with a 413 in the caller's format. */
  maxRequestBodyBytes: number;
  /** Requests in progress from one client address at once; 0: no cap. */
  maxConnectionsPerIp: number;
  /** Bun's idle timeout: a connection silent this long is closed, and a request's body must arrive within it. */
  idleTimeoutSeconds: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** A YAML configuration applied at startup, on SIGHUP and by POST /api/config/apply (absolute path). */
  configFile?: string;
  /** "json": every log line is a JSON object, plus one access line per request. */
  logFormat: "text" | "json";
  /** GET /metrics without a manage-scoped key (behind a private network). */
  metricsPublic: boolean;
  /** Set when OTEL_EXPORTER_OTLP_ENDPOINT (or its traces variant) is: where and how spans are exported. */
  tracing?: TracingConfig;
}>;

export type TracingConfig = Readonly<{
  /** The full URL spans are posted to (…/v1/traces). */
  url: string;
  protocol: "http/protobuf" | "http/json";
  headers: Readonly<Record<string, string>>;
  serviceName: string;
  /** How long spans wait in the batch before they are sent (ms). */
  batchDelayMs: number;
  /** How long one export may take, retries included (ms). */
  timeoutMs: number;
}>;

export type CloudSyncConfig = Readonly<{
  /** The cloud instance's origin, without a trailing slash. */
  url: string;
  /** A manage-scoped API key of the cloud instance. */
  apiKey: string;
  /** The passphrase the sync key is derived from; never sent anywhere. */
  passphrase: string;
  /** Devices with the same space (and passphrase) share one set of documents on the cloud. */
  space: string;
  intervalSeconds: number;
  timeoutMs: number;
}>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parse the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])])})`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === "production") {
    const defaults = [
      ["JWT_SECRET", e.JWT_SECRET === DEFAULT_JWT_SECRET],
      ["API_KEY_SECRET", e.API_KEY_SECRET === DEFAULT_API_KEY_SECRET],
      ["ENCRYPTION_KEY", e.ENCRYPTION_KEY === DEFAULT_ENCRYPTION_KEY],
    ].filter(([, isDefault]) => isDefault).map(([name]) => name);
    if (defaults.length) {
      throw new ConfigError(
        `Refusing to start in production with the default ${defaults.join(", ")}: set ${defaults.length > 1 ? "them" : "it"} to a long random value (e.g. \`openssl rand -hex 32\`).`,
      );
    }
  }
  let cloudSync: CloudSyncConfig | undefined;
  if (e.CLOUD_URL) {
    const missing = [["CLOUD_API_KEY", !e.CLOUD_API_KEY], ["CLOUD_SYNC_KEY", !e.CLOUD_SYNC_KEY]].filter(([, m]) => m).map(([name]) => name);
    if (missing.length) {
      throw new ConfigError(
        `CLOUD_URL is set but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not: sync needs a manage-scoped API key of the cloud instance (CLOUD_API_KEY) and a passphrase shared by your devices (CLOUD_SYNC_KEY).`,
      );
    }
    cloudSync = Object.freeze({
      url: e.CLOUD_URL.replace(/\/+$/, ""),
      apiKey: e.CLOUD_API_KEY!,
      passphrase: e.CLOUD_SYNC_KEY!,
      space: e.CLOUD_SYNC_SPACE,
      intervalSeconds: e.CLOUD_SYNC_INTERVAL_SECONDS,
      timeoutMs: e.CLOUD_SYNC_TIMEOUT_MS,
    });
  }
  const tracesUrl = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` : undefined);
  const tracing: TracingConfig | undefined = tracesUrl
    ? Object.freeze({
        url: tracesUrl,
        protocol: e.OTEL_EXPORTER_OTLP_PROTOCOL,
        headers: Object.freeze(parseOtlpHeaders(e.OTEL_EXPORTER_OTLP_HEADERS ?? "")),
        serviceName: e.OTEL_SERVICE_NAME,
        batchDelayMs: e.OTEL_BSP_SCHEDULE_DELAY,
        timeoutMs: e.OTEL_EXPORTER_OTLP_TIMEOUT,
      })
    : undefined;
  const dataDir = resolve(e.DATA_DIR.startsWith("~") ? join(homedir(), e.DATA_DIR.slice(1)) : e.DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    hostname: e.HOSTNAME,
    env: e.NODE_ENV,
    dataDir,
    baseUrl: e.BASE_URL ?? `http://localhost:${e.PORT}`,
    cloudUrl: e.CLOUD_URL,
    cloudSync,
    jwtSecret: e.JWT_SECRET,
    initialPassword: e.INITIAL_PASSWORD,
    apiKeySecret: e.API_KEY_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    requireApiKey: e.REQUIRE_API_KEY,
    enableRequestLogs: e.ENABLE_REQUEST_LOGS,
    authCookieSecure: e.AUTH_COOKIE_SECURE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    maxRequestBodyBytes: Math.round(e.MAX_REQUEST_BODY_MB * 1024 * 1024),
    maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
    idleTimeoutSeconds: e.IDLE_TIMEOUT_SECONDS,
    logLevel: e.LOG_LEVEL,
    configFile: e.CONFIG_FILE ? resolve(e.CONFIG_FILE.startsWith("~") ? join(homedir(), e.CONFIG_FILE.slice(1)) : e.CONFIG_FILE) : undefined,
    logFormat: e.LOG_FORMAT,
    metricsPublic: e.METRICS_PUBLIC,
    tracing,
  });
}

/** OTEL_EXPORTER_OTLP_HEADERS: `name=value,name2=value2`, values percent-encoded (the OpenTelemetry spec's W3C Baggage form). */
function parseOtlpHeaders(raw: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of raw.split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (!name) continue;
    try {
      headers[name] = decodeURIComponent(value);
    } catch {
      headers[name] = value;
    }
  }
  return headers;
}
