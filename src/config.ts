// Environment parsed once with zod into a frozen Config; mirrors .env.example. A bad value stops startup.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { readOrCreateSecrets, SECRETS_FILENAME } from "./auth/generated-secrets.ts";
import { ConfigError } from "./config-error.ts";
import { isLoopbackHost } from "./network/loopback.ts";

/** The public values older READMEs listed: accepted only on loopback in development, never generated. */
export const DEFAULT_JWT_SECRET = "omniroute-default-secret-change-me";
export const DEFAULT_API_KEY_SECRET = "endpoint-proxy-api-key-secret";
export const DEFAULT_ENCRYPTION_KEY = "omniroute-default-encryption-key-change-me";
export const DEFAULT_PASSWORD = "123456";

/**
 * The environment's schema, made when it is read and garbage after: parsing happens once at start, and ~160 zod
 * schema objects kept for the whole life of the process would hold ~0.3 MB of an idle gateway's memory.
 */
function envSchema() {
  const bool = z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .transform((v) => v === "true" || v === "1" || v === "yes");

  return z.object({
    PORT: z.coerce.number({ message: "must be a number" }).int().min(0).max(65535).default(20128),
    HOSTNAME: z.string().min(1).default("127.0.0.1"),
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATA_DIR: z.string().min(1).default(join(homedir(), ".omniroute")),
    BASE_URL: z.url({ message: "must be a URL such as http://localhost:20128" }).optional(),
    CLOUD_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL such as https://omniroute.example.com" }).optional(),
    CLOUD_API_KEY: z.string().min(1).optional(),
    CLOUD_SYNC_KEY: z.string().min(12, "must be at least 12 characters (a passphrase every device shares)").optional(),
    CLOUD_SYNC_SPACE: z
      .string()
      .regex(/^[\w.-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'")
      .default("default"),
    CLOUD_SYNC_INTERVAL_SECONDS: z.coerce.number({ message: "must be a number" }).int().min(5).max(86_400).default(60),
    CLOUD_SYNC_TIMEOUT_MS: z.coerce.number({ message: "must be a number" }).int().min(100).max(120_000).default(5_000),
    ALLOWED_HOSTS: z.string().optional(),
    JWT_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    INITIAL_PASSWORD: z.string().min(1).optional(),
    API_KEY_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    ENCRYPTION_KEY: z.string().min(16, "must be at least 16 characters").optional(),
    REQUIRE_API_KEY: bool.default(false),
    ENABLE_REQUEST_LOGS: bool.default(false),
    AUTH_COOKIE_SECURE: bool.default(false),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
    MAX_REQUEST_BODY_MB: z.coerce.number({ message: "must be a number" }).positive().max(100).default(32),
    MAX_CONNECTIONS_PER_IP: z.coerce.number({ message: "must be a number" }).int().min(0).default(128),
    IDLE_TIMEOUT_SECONDS: z.coerce.number({ message: "must be a number" }).int().min(1).max(255).default(30),
    RESPONSES_STORE_TTL_SECONDS: z.coerce
      .number({ message: "must be a number" })
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(3_600),
    RESPONSES_STORE_MAX_MB: z.coerce.number({ message: "must be a number" }).int().min(1).max(65_536).default(64),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, message: "must be a PostgreSQL URL such as postgres://user:password@db:5432/omniroute" })
      .optional(),
    DATABASE_POOL_MAX: z.coerce.number({ message: "must be a number" }).int().min(2).max(1_000).default(10),
    CONFIG_FILE: z.string().min(1).optional(),
    LOG_FORMAT: z.enum(["text", "json"]).default("text"),
    METRICS_PUBLIC: bool.default(false),
    REDIS_URL: z
      .string()
      .regex(/^(redis|rediss|valkey|valkeys):\/\/[^\s/]+/, "must be a redis:// or rediss:// URL such as redis://redis:6379")
      .optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL such as http://otel-collector:4318" })
      .optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL such as http://otel-collector:4318/v1/traces" })
      .optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: z
      .enum(["http/protobuf", "http/json"], { message: "must be http/protobuf or http/json (grpc is not supported)" })
      .default("http/protobuf"),
    OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default("omniroute"),
    OTEL_BSP_SCHEDULE_DELAY: z.coerce.number({ message: "must be a number of milliseconds" }).int().min(0).default(5_000),
    OTEL_EXPORTER_OTLP_TIMEOUT: z.coerce.number({ message: "must be a number of milliseconds" }).int().min(1).default(10_000),
  });
}

type EnvValues = z.infer<ReturnType<typeof envSchema>>;

/** The three secrets: each from the environment, or else generated once and kept in DATA_DIR/secrets.json. */
export type SecretName = "jwtSecret" | "apiKeySecret" | "encryptionKey";
export const SECRET_ENV: Record<SecretName, string> = {
  jwtSecret: "JWT_SECRET",
  apiKeySecret: "API_KEY_SECRET",
  encryptionKey: "ENCRYPTION_KEY",
};

/** The environment parsed, before the secrets file is read: what parseEnv returns. */
export type EnvConfig = Readonly<{
  port: number;
  hostname: string;
  env: "development" | "production" | "test";
  /** True in production or when HOSTNAME is not a loopback address: public defaults are refused, no default password. */
  exposed: boolean;
  dataDir: string;
  baseUrl: string;
  /** Host names (lowercase, no port) this gateway answers besides loopback and the BASE_URL host. */
  allowedHosts: readonly string[];
  cloudUrl?: string;
  /** Set when CLOUD_URL is: how this gateway syncs providers, combos and settings with it (src/sync/). */
  cloudSync?: CloudSyncConfig;
  /** INITIAL_PASSWORD when set; otherwise 123456 on loopback in development, or a random one printed in the log. */
  initialPassword?: string;
  /** Secrets the environment sets (they win over the secrets file). */
  envSecrets: Readonly<Partial<Record<SecretName, string>>>;
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
  /** Responses the gateway keeps for previous_response_id and item_reference: how long (0: none) and how much. */
  responsesStore: Readonly<{ ttlSeconds: number; maxBytes: number }>;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** A YAML configuration applied at startup, on SIGHUP and by POST /api/config/apply (absolute path). */
  configFile?: string;
  /** "json": every log line is a JSON object, plus one access line per request. */
  logFormat: "text" | "json";
  /** GET /metrics without a manage-scoped key (behind a private network). */
  metricsPublic: boolean;
  /** Set when OTEL_EXPORTER_OTLP_ENDPOINT (or its traces variant) is: where and how spans are exported. */
  tracing?: TracingConfig;
  /** REDIS_URL: several instances share their hot state (limits, breakers, cooldowns, holds, cache...) there. */
  redisUrl?: string;
  /** Set when DATABASE_URL is: PostgreSQL is the store, shared by every instance that names it (else SQLite in DATA_DIR). */
  database?: DatabaseConfig;
}>;

export type DatabaseConfig = Readonly<{
  /** postgres://user:password@host:5432/database (never logged: see describePostgresUrl). */
  url: string;
  /** The most connections this instance opens. */
  poolMax: number;
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

/** The full configuration: the environment plus the secrets every start must reuse. */
export type Config = EnvConfig &
  Readonly<{
    jwtSecret: string;
    apiKeySecret: string;
    encryptionKey: string;
    /** Where generated secrets are kept (back it up with the database). */
    secretsFile: string;
    /**
     * The public defaults a data folder from before generated secrets was written under (only for secrets the
     * environment does not set): they still open what it sealed and find the API keys it stored.
     */
    olderSecrets: Readonly<{ encryptionKey?: string; apiKeySecret?: string }>;
  }>;

export type CloudSyncConfig = Readonly<{
  /** The cloud instance's origin, without a trailing slash. */
  url: string;
  /** An API key of the cloud instance with the `sync` scope (or `manage`). */
  apiKey: string;
  /** The passphrase the sync key is derived from; never sent anywhere. */
  passphrase: string;
  /** Devices with the same space (and passphrase) share one set of documents on the cloud. */
  space: string;
  intervalSeconds: number;
  timeoutMs: number;
}>;

export { ConfigError };

/**
 * The configuration a gateway runs with: the environment, then the secrets it does not set from DATA_DIR/secrets.json
 * (created with random values on first start). Throws ConfigError naming every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = parseEnv(env);
  const stored = readOrCreateSecrets(parsed.dataDir);
  return Object.freeze({
    ...parsed,
    jwtSecret: parsed.envSecrets.jwtSecret ?? stored.secrets.jwtSecret,
    apiKeySecret: parsed.envSecrets.apiKeySecret ?? stored.secrets.apiKeySecret,
    encryptionKey: parsed.envSecrets.encryptionKey ?? stored.secrets.encryptionKey,
    secretsFile: join(parsed.dataDir, SECRETS_FILENAME),
    olderSecrets: Object.freeze(
      stored.secrets.legacyDefaults
        ? {
            ...(parsed.envSecrets.encryptionKey ? {} : { encryptionKey: DEFAULT_ENCRYPTION_KEY }),
            ...(parsed.envSecrets.apiKeySecret ? {} : { apiKeySecret: DEFAULT_API_KEY_SECRET }),
          }
        : {},
    ),
  });
}

/** The public defaults an exposed gateway refuses, and what to do instead. */
function refuseDefaults(e: EnvValues, where: string): void {
  const publicValues: Array<[string, string | undefined, string]> = [
    ["JWT_SECRET", e.JWT_SECRET, DEFAULT_JWT_SECRET],
    ["API_KEY_SECRET", e.API_KEY_SECRET, DEFAULT_API_KEY_SECRET],
    ["ENCRYPTION_KEY", e.ENCRYPTION_KEY, DEFAULT_ENCRYPTION_KEY],
  ];
  const defaults = publicValues.filter(([, value, publicValue]) => value === publicValue).map(([name]) => name);
  if (defaults.length) {
    throw new ConfigError(
      `Refusing to start: ${defaults.join(", ")} ${defaults.length > 1 ? "are" : "is"} the public example value and this gateway ${where}. ` +
        `Remove ${defaults.length > 1 ? "them" : "it"} from the environment (a random value is then generated and kept in DATA_DIR/${SECRETS_FILENAME}) ` +
        `or set ${defaults.length > 1 ? "each" : "it"} to a long random value (\`openssl rand -hex 32\`).`,
    );
  }
  if (e.INITIAL_PASSWORD === DEFAULT_PASSWORD) {
    throw new ConfigError(
      `Refusing to start: INITIAL_PASSWORD is the public default "${DEFAULT_PASSWORD}" and this gateway ${where}. ` +
        "Remove it (a random password is then generated and printed once in the log) or set your own.",
    );
  }
}

/** The host names of an ALLOWED_HOSTS list ("omni.example.com, 10.0.0.5"), lowercase and without ports. */
function parseAllowedHosts(list: string | undefined): string[] {
  if (!list) return [];
  return list
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean)
    .map((h) => h.replace(/^\[(.*)\](:\d+)?$/, "$1").replace(/^([^:]+):\d+$/, "$1"));
}

/** Parse the environment alone (no file is read or written). Throws ConfigError naming every bad variable. */
export function parseEnv(env: Record<string, string | undefined> = process.env): EnvConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema().safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])])})`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const loopback = isLoopbackHost(e.HOSTNAME);
  const exposed = e.NODE_ENV === "production" || !loopback;
  if (exposed)
    refuseDefaults(e, e.NODE_ENV === "production" ? "runs with NODE_ENV=production" : `listens beyond loopback (HOSTNAME=${e.HOSTNAME})`);
  let cloudSync: CloudSyncConfig | undefined;
  if (e.CLOUD_URL) {
    const missing = [
      ["CLOUD_API_KEY", !e.CLOUD_API_KEY],
      ["CLOUD_SYNC_KEY", !e.CLOUD_SYNC_KEY],
    ]
      .filter(([, m]) => m)
      .map(([name]) => name);
    if (missing.length) {
      throw new ConfigError(
        `CLOUD_URL is set but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not: sync needs an API key of the cloud instance with the "sync" scope (CLOUD_API_KEY) and a passphrase shared by your devices (CLOUD_SYNC_KEY).`,
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
  const tracesUrl =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` : undefined);
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
  if (e.DATABASE_URL) requireSharedSecrets(e);
  const dataDir = resolve(e.DATA_DIR.startsWith("~") ? join(homedir(), e.DATA_DIR.slice(1)) : e.DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    hostname: e.HOSTNAME,
    env: e.NODE_ENV,
    exposed,
    dataDir,
    baseUrl: e.BASE_URL ?? `http://localhost:${e.PORT}`,
    allowedHosts: Object.freeze(parseAllowedHosts(e.ALLOWED_HOSTS)),
    cloudUrl: e.CLOUD_URL,
    cloudSync,
    initialPassword: e.INITIAL_PASSWORD,
    envSecrets: Object.freeze({
      ...(e.JWT_SECRET ? { jwtSecret: e.JWT_SECRET } : {}),
      ...(e.API_KEY_SECRET ? { apiKeySecret: e.API_KEY_SECRET } : {}),
      ...(e.ENCRYPTION_KEY ? { encryptionKey: e.ENCRYPTION_KEY } : {}),
    }),
    requireApiKey: e.REQUIRE_API_KEY,
    enableRequestLogs: e.ENABLE_REQUEST_LOGS,
    authCookieSecure: e.AUTH_COOKIE_SECURE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    maxRequestBodyBytes: Math.round(e.MAX_REQUEST_BODY_MB * 1024 * 1024),
    maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
    idleTimeoutSeconds: e.IDLE_TIMEOUT_SECONDS,
    responsesStore: Object.freeze({ ttlSeconds: e.RESPONSES_STORE_TTL_SECONDS, maxBytes: e.RESPONSES_STORE_MAX_MB * 1024 * 1024 }),
    logLevel: e.LOG_LEVEL,
    configFile: e.CONFIG_FILE
      ? resolve(e.CONFIG_FILE.startsWith("~") ? join(homedir(), e.CONFIG_FILE.slice(1)) : e.CONFIG_FILE)
      : undefined,
    logFormat: e.LOG_FORMAT,
    metricsPublic: e.METRICS_PUBLIC,
    tracing,
    redisUrl: e.REDIS_URL,
    database: e.DATABASE_URL ? Object.freeze({ url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX }) : undefined,
  });
}

/**
 * Instances on one PostgreSQL open each other's sealed credentials, check each other's API keys and sessions: they
 * need the same three secrets, which a per-instance DATA_DIR/secrets.json cannot give. So with DATABASE_URL they come
 * from the environment (the database then checks every instance has the same ones: src/db/key-check.ts).
 */
function requireSharedSecrets(e: EnvValues): void {
  const missing = (["JWT_SECRET", "API_KEY_SECRET", "ENCRYPTION_KEY"] as const).filter((name) => !e[name]);
  if (missing.length)
    throw new ConfigError(
      `DATABASE_URL is set but ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not: every instance on one database must share the three secrets, ` +
        `so set them in the environment of each (\`openssl rand -hex 32\` for a new cluster; moving an existing gateway, copy the values from its DATA_DIR/${SECRETS_FILENAME}).`,
    );
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
