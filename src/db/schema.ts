// The drizzle schema: configuration and history that must survive a restart. Hot state lives in memory.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/** Key/value settings; values are JSON. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** An account at a provider: its credential (encrypted), overrides and limits. */
export const providerConnections = sqliteTable(
  "provider_connections",
  {
    id: text("id").primaryKey(),
    provider: text("provider").notNull(),
    name: text("name").notNull(),
    authType: text("auth_type", { enum: ["api-key", "oauth", "none"] }).notNull(),
    /** AES-256-GCM ciphertext of the credential JSON ({apiKey} or OAuth tokens). */
    credentials: text("credentials"),
    baseUrl: text("base_url"),
    priority: integer("priority").notNull().default(1),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    limits: text("limits", { mode: "json" }).$type<{
      rpm?: number;
      minIntervalMs?: number;
      maxConcurrent?: number;
      /** Plan limits of locally counted quota windows (src/accounts/plan-windows.ts). */
      quota?: { "5h"?: number; daily?: number; weekly?: number; monthly?: number };
    }>(),
    /** AES-256-GCM ciphertext of the proxy JSON (it may carry credentials). */
    proxy: text("proxy"),
    /** Non-secret facts about the account (email, plan, quota windows). */
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [index("provider_connections_provider_idx").on(t.provider)],
);

/** A custom provider that speaks one of the four formats at its own base URL. */
export const providerNodes = sqliteTable("provider_nodes", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  prefix: text("prefix").notNull().unique(),
  apiType: text("api_type", { enum: ["openai", "anthropic", "responses", "gemini"] }).notNull(),
  baseUrl: text("base_url").notNull(),
  /**
   * Extra headers sent with every call, sealed (SecretBox, as a JSON string) since they carry credentials. An object
   * is a row from before they were sealed: the registry seals it when it loads (src/providers/node-headers.ts).
   */
  headers: text("headers", { mode: "json" }).$type<string | Record<string, string>>(),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** Models a user added to a provider beyond the catalog. */
export const providerModels = sqliteTable(
  "provider_models",
  {
    provider: text("provider").notNull(),
    modelId: text("model_id").notNull(),
    modelName: text("model_name").notNull(),
    type: text("type", { enum: ["chat", "embedding", "image", "audio"] })
      .notNull()
      .default("chat"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.provider, t.modelId] })],
);

export type ComboModel = { model: string; weight?: number };

/** A named fallback chain of models. */
export const combos = sqliteTable("combos", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  strategy: text("strategy", { enum: ["priority", "round-robin", "random", "weighted", "least-used", "cost-optimized"] })
    .notNull()
    .default("priority"),
  models: text("models", { mode: "json" }).$type<ComboModel[]>().notNull(),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** Client API keys: only an HMAC of the key is stored; the key is shown once. */
export const apiKeys = sqliteTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  keyHash: text("key_hash").notNull().unique(),
  /** The first characters of the key, for recognising it in lists. */
  keyPrefix: text("key_prefix").notNull(),
  scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: integer("created_at").notNull().default(now),
  lastUsedAt: integer("last_used_at"),
});

/**
 * One row per proxied request, whatever its outcome. Kept small: numbers and short strings. The id is the
 * rowid without AUTOINCREMENT (whose sqlite_sequence page cost every commit one more page write); pruning the
 * newest rows brings the rollup watermark down with them (see pruneUsageBatch).
 */
export const usageLog = sqliteTable(
  "usage_log",
  {
    id: integer("id").primaryKey(),
    ts: integer("ts").notNull(),
    requestId: text("request_id").notNull(),
    keyId: text("key_id"),
    endpoint: text("endpoint").notNull(),
    provider: text("provider"),
    connectionId: text("connection_id"),
    modelRequested: text("model_requested").notNull(),
    modelServed: text("model_served"),
    combo: text("combo"),
    attempt: integer("attempt").notNull().default(1),
    stream: integer("stream", { mode: "boolean" }).notNull().default(false),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    costUsd: real("cost_usd").notNull().default(0),
    latencyMs: integer("latency_ms").notNull().default(0),
    ttftMs: integer("ttft_ms"),
    status: integer("status").notNull(),
    errorClass: text("error_class"),
    cache: text("cache", { enum: ["hit", "miss", "replay"] }),
  },
  (t) => [index("usage_log_ts_idx").on(t.ts), index("usage_log_key_ts_idx").on(t.keyId, t.ts)],
);

/** What a rollup row groups by (besides its day or hour) and the totals it keeps; new builders per table. */
function rollupColumns() {
  return {
    keyId: text("key_id").notNull().default(""),
    provider: text("provider").notNull().default(""),
    model: text("model").notNull(),
    requests: integer("requests").notNull().default(0),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    costUsd: real("cost_usd").notNull().default(0),
    /** Rows with status >= 400. */
    errors: integer("errors").notNull().default(0),
    /** Rows answered from the response cache. */
    cacheHits: integer("cache_hits").notNull().default(0),
  };
}

/**
 * Daily totals of usage_log rows, filled by the rollup job and kept forever. Missing key or provider is
 * stored as '' (NULLs in a UNIQUE index would be distinct); model is the served model, else the requested one.
 */
export const usageDaily = sqliteTable(
  "usage_daily",
  {
    /** UTC day, YYYY-MM-DD. */
    day: text("day").notNull(),
    ...rollupColumns(),
  },
  (t) => [
    uniqueIndex("usage_daily_day_key_provider_model_idx").on(t.day, t.keyId, t.provider, t.model),
    index("usage_daily_key_day_idx").on(t.keyId, t.day),
  ],
);

/**
 * Hourly totals of usage_log rows, the same groups and counters as usage_daily, filled in the same rollup
 * transaction. They answer the hours at the edges of a range (a range starting mid-day, the last 24 hours), so raw
 * rows are read only for a partial hour. Pruned with the raw rows (older than the retention window), since days
 * before it are read whole from usage_daily. `hour` is the epoch ms of the hour's start.
 */
export const usageHourly = sqliteTable(
  "usage_hourly",
  {
    hour: integer("hour").notNull(),
    ...rollupColumns(),
  },
  (t) => [uniqueIndex("usage_hourly_hour_key_provider_model_idx").on(t.hour, t.keyId, t.provider, t.model)],
);

/** Spending limits per API key. */
export const budgets = sqliteTable(
  "budgets",
  {
    keyId: text("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    period: text("period", { enum: ["daily", "weekly", "monthly"] }).notNull(),
    limitUsd: real("limit_usd").notNull(),
    warnAt: real("warn_at").notNull().default(0.8),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("budgets_key_period_idx").on(t.keyId, t.period)],
);

/** Open breakers and account cooldowns, so a restart does not hammer a rate-limited account. */
export const resilienceState = sqliteTable("resilience_state", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
  updatedAt: integer("updated_at").notNull().default(now),
});

/**
 * The cloud side of sync: opaque documents that devices push and pull (see src/sync/). The server never decrypts
 * them: `id` is an HMAC of the item, `ciphertext` is AES-256-GCM under a key derived from the devices' passphrase.
 * `rev` grows by one per write within a space; a device pulls the documents with rev above the last it saw.
 */
export const syncDocuments = sqliteTable(
  "sync_documents",
  {
    space: text("space").notNull(),
    id: text("id").notNull(),
    kind: text("kind").notNull(),
    rev: integer("rev").notNull(),
    /** When the device that wrote it says it changed (milliseconds); devices trust the copy inside the ciphertext. */
    updatedAt: integer("updated_at").notNull(),
    deleted: integer("deleted", { mode: "boolean" }).notNull().default(false),
    ciphertext: text("ciphertext").notNull(),
    receivedAt: integer("received_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.space, t.id] }), uniqueIndex("sync_documents_space_rev_idx").on(t.space, t.rev)],
);

/**
 * Objects the configuration file (CONFIG_FILE, POST /api/config/apply) declared at its last apply, by kind and id
 * (`provider/modelId` for a custom model). The dashboard marks them; the file wins at the next apply.
 */
export const configFileObjects = sqliteTable(
  "config_file_objects",
  {
    kind: text("kind", { enum: ["node", "model", "connection", "combo", "key"] }).notNull(),
    objectId: text("object_id").notNull(),
    /** When an apply first declared it. */
    appliedAt: integer("applied_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.kind, t.objectId] })],
);

/**
 * The cloud side of sync: one row per space, with the random salt every device of the space derives its keys with
 * (scrypt over the passphrase). Created when a device first asks for the space (POST /api/sync/space).
 */
export const syncSpaces = sqliteTable("sync_spaces", {
  space: text("space").primaryKey(),
  /** 32 random bytes, base64url. */
  salt: text("salt").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});
