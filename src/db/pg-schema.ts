// The drizzle schema on PostgreSQL: the tables of schema.ts, same names and columns, in PostgreSQL's own types (test/db/pg-schema.test.ts keeps the two alike).
import { sql } from "drizzle-orm";
import { bigint, boolean, customType, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { ComboModel } from "./schema.ts";

/**
 * Milliseconds since the epoch, as SQLite's `unixepoch('subsec') * 1000`. Timestamps are bigint read as JS numbers
 * (exact up to 2^53 ms, the year 287396); Bun.SQL hands bigint over as a string, drizzle's mode "number" converts it.
 */
const now = sql`(floor(extract(epoch from statement_timestamp()) * 1000))::bigint`;
const ms = (name: string) => bigint(name, { mode: "number" });
/**
 * A jsonb column that holds the value itself. drizzle 0.45's own jsonb hands Bun.SQL a JSON string, which Bun
 * encodes once more (a JSON string inside jsonb that no `->` reaches: drizzle-orm#4942, bun#28819) and which
 * drizzle parses again on the way back (a stored "10" came back as 10). This one binds the JSON as text and casts
 * it in SQL (`$1::text::jsonb`, so PostgreSQL parses it, whatever Bun does with json parameters), and takes the
 * value Bun already parsed as it is. (A `sql.placeholder` in a prepared query would skip the cast: bind values.)
 */
const jsonb = <T>(name: string) =>
  customType<{ data: T; driverData: unknown }>({
    dataType: () => "jsonb",
    toDriver: (value) => sql`${JSON.stringify(value)}::text::jsonb`,
    fromDriver: (value) => value as T,
  })(name);
/** A sum over many rows (daily totals) may pass 2^31: bigint, read as a number. */
const total = (name: string) => bigint(name, { mode: "number" });

/** Key/value settings; values are JSON. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb<unknown>("value").notNull(),
  updatedAt: ms("updated_at").notNull().default(now),
});

/** An account at a provider: its credential (encrypted), overrides and limits. */
export const providerConnections = pgTable(
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
    isActive: boolean("is_active").notNull().default(true),
    limits: jsonb<{
      rpm?: number;
      minIntervalMs?: number;
      maxConcurrent?: number;
      quota?: { "5h"?: number; daily?: number; weekly?: number; monthly?: number };
    }>("limits"),
    /** AES-256-GCM ciphertext of the proxy JSON (it may carry credentials). */
    proxy: text("proxy"),
    metadata: jsonb<Record<string, unknown>>("metadata"),
    createdAt: ms("created_at").notNull().default(now),
    updatedAt: ms("updated_at").notNull().default(now),
    lastUsedAt: ms("last_used_at"),
  },
  (t) => [index("provider_connections_provider_idx").on(t.provider)],
);

/** A custom provider that speaks one of the four formats at its own base URL. */
export const providerNodes = pgTable("provider_nodes", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  prefix: text("prefix").notNull().unique(),
  apiType: text("api_type", { enum: ["openai", "anthropic", "responses", "gemini"] }).notNull(),
  baseUrl: text("base_url").notNull(),
  /** Extra headers, sealed (a JSON string); an object is a row from before they were sealed. */
  headers: jsonb<string | Record<string, string>>("headers"),
  createdAt: ms("created_at").notNull().default(now),
  updatedAt: ms("updated_at").notNull().default(now),
});

/** Models a user added to a provider beyond the catalog. */
export const providerModels = pgTable(
  "provider_models",
  {
    provider: text("provider").notNull(),
    modelId: text("model_id").notNull(),
    modelName: text("model_name").notNull(),
    type: text("type", { enum: ["chat", "embedding", "image", "audio"] })
      .notNull()
      .default("chat"),
    createdAt: ms("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.provider, t.modelId] })],
);

/** A named fallback chain of models. */
export const combos = pgTable("combos", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  strategy: text("strategy", { enum: ["priority", "round-robin", "random", "weighted", "least-used", "cost-optimized"] })
    .notNull()
    .default("priority"),
  models: jsonb<ComboModel[]>("models").notNull(),
  createdAt: ms("created_at").notNull().default(now),
  updatedAt: ms("updated_at").notNull().default(now),
});

/** Client API keys: only an HMAC of the key is stored; the key is shown once. */
export const apiKeys = pgTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  keyHash: text("key_hash").notNull().unique(),
  keyPrefix: text("key_prefix").notNull(),
  scopes: jsonb<string[]>("scopes").notNull(),
  createdAt: ms("created_at").notNull().default(now),
  lastUsedAt: ms("last_used_at"),
});

/**
 * One row per proxied request, whatever its outcome. The id is an identity column "by default", so an import
 * from SQLite keeps its ids (the sequence must then be moved past the highest: setval).
 */
export const usageLog = pgTable(
  "usage_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    ts: ms("ts").notNull(),
    requestId: text("request_id").notNull(),
    keyId: text("key_id"),
    endpoint: text("endpoint").notNull(),
    provider: text("provider"),
    connectionId: text("connection_id"),
    modelRequested: text("model_requested").notNull(),
    modelServed: text("model_served"),
    combo: text("combo"),
    attempt: integer("attempt").notNull().default(1),
    stream: boolean("stream").notNull().default(false),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
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
    requests: total("requests").notNull().default(0),
    inputTokens: total("input_tokens").notNull().default(0),
    outputTokens: total("output_tokens").notNull().default(0),
    cacheReadTokens: total("cache_read_tokens").notNull().default(0),
    cacheWriteTokens: total("cache_write_tokens").notNull().default(0),
    reasoningTokens: total("reasoning_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    errors: total("errors").notNull().default(0),
    cacheHits: total("cache_hits").notNull().default(0),
  };
}

/** Daily totals of usage_log rows; missing key or provider is '' so the unique index holds. */
export const usageDaily = pgTable(
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

/** Hourly totals of usage_log rows, filled with the daily ones: the partial days at a range's edges. */
export const usageHourly = pgTable(
  "usage_hourly",
  {
    /** The hour's start, epoch ms (UTC). */
    hour: ms("hour").notNull(),
    ...rollupColumns(),
  },
  (t) => [uniqueIndex("usage_hourly_hour_key_provider_model_idx").on(t.hour, t.keyId, t.provider, t.model)],
);

/** Spending limits per API key. */
export const budgets = pgTable(
  "budgets",
  {
    keyId: text("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    period: text("period", { enum: ["daily", "weekly", "monthly"] }).notNull(),
    limitUsd: doublePrecision("limit_usd").notNull(),
    warnAt: doublePrecision("warn_at").notNull().default(0.8),
    createdAt: ms("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("budgets_key_period_idx").on(t.keyId, t.period)],
);

/** Open breakers and account cooldowns, so a restart does not hammer a rate-limited account. */
export const resilienceState = pgTable("resilience_state", {
  key: text("key").primaryKey(),
  value: jsonb<unknown>("value").notNull(),
  updatedAt: ms("updated_at").notNull().default(now),
});

/** The cloud side of sync: opaque documents that devices push and pull (see src/sync/). */
export const syncDocuments = pgTable(
  "sync_documents",
  {
    space: text("space").notNull(),
    id: text("id").notNull(),
    kind: text("kind").notNull(),
    rev: integer("rev").notNull(),
    updatedAt: ms("updated_at").notNull(),
    deleted: boolean("deleted").notNull().default(false),
    ciphertext: text("ciphertext").notNull(),
    receivedAt: ms("received_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.space, t.id] }), uniqueIndex("sync_documents_space_rev_idx").on(t.space, t.rev)],
);

/** Objects the configuration file declared at its last apply, by kind and id. */
export const configFileObjects = pgTable(
  "config_file_objects",
  {
    kind: text("kind", { enum: ["node", "model", "connection", "combo", "key"] }).notNull(),
    objectId: text("object_id").notNull(),
    appliedAt: ms("applied_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.kind, t.objectId] })],
);

/** The cloud side of sync: one row per space, with the salt every device of the space derives its keys with. */
export const syncSpaces = pgTable("sync_spaces", {
  space: text("space").primaryKey(),
  salt: text("salt").notNull(),
  createdAt: ms("created_at").notNull().default(now),
});
