// The user-editable settings: their shape, validation and defaults (GET/PUT /api/settings).
import { z } from "zod";

/**
 * How one provider's accounts share the load. There is no "cost-optimized" among them: one provider's accounts
 * serve a model at one price, so choosing by cost is a combo strategy (across models), not an account one.
 */
export const ROUTING_STRATEGIES = ["fill-first", "round-robin", "p2c", "random", "least-used"] as const;
export const COMBO_STRATEGIES = ["priority", "round-robin", "random", "weighted", "least-used", "cost-optimized"] as const;

export const SettingsSchema = z.object({
  requireLogin: z.boolean(),
  /** null: follow the REQUIRE_API_KEY environment variable. */
  requireApiKey: z.boolean().nullable(),
  /** GET /v1/models (and the Gemini list): null follows requireApiKey; true/false decide for the model list alone. */
  requireApiKeyForModels: z.boolean().nullable(),
  routingStrategy: z.enum(ROUTING_STRATEGIES),
  providerStrategies: z.record(z.string(), z.enum(ROUTING_STRATEGIES)),
  stickyRoundRobinLimit: z.number().int().min(1).max(1000),
  wildcardAliases: z.array(z.object({ pattern: z.string().min(1).max(200), target: z.string().min(1).max(200) })).max(500),
  fallbackChains: z.array(z.object({ name: z.string().min(1).max(100), models: z.array(z.string().min(1)).min(1).max(50) })).max(100),
  comboDefaults: z.object({ strategy: z.enum(COMBO_STRATEGIES) }),
  ipFilter: z.object({ mode: z.enum(["off", "allow", "deny"]), list: z.array(z.string().min(1).max(64)).max(1000) }),
  blockedProviders: z.array(z.string()).max(200),
  systemPrompt: z.string().max(20_000),
  thinkingBudget: z.number().int().min(0).max(200_000),
  cache: z.object({
    enabled: z.boolean(),
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600),
  }),
  /** Days raw usage_log rows are kept once rolled up into daily totals (which are kept forever). */
  usageRetentionDays: z.number().int().min(1).max(3650),
});

export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  requireLogin: true,
  requireApiKey: null,
  requireApiKeyForModels: null,
  routingStrategy: "fill-first",
  providerStrategies: {},
  stickyRoundRobinLimit: 3,
  wildcardAliases: [],
  fallbackChains: [],
  comboDefaults: { strategy: "priority" },
  ipFilter: { mode: "off", list: [] },
  blockedProviders: [],
  systemPrompt: "",
  thinkingBudget: 0,
  cache: { enabled: true, ttlSeconds: 300 },
  usageRetentionDays: 90,
};

/**
 * Settings written by an older version, as this one reads them: the account strategy "cost-optimized" (which
 * ordered accounts by priority, exactly as fill-first does) becomes "fill-first". Applied when settings are
 * loaded, imported or synced, never to what a client sends now (that is refused with the valid names).
 */
export function upgradeStoredSettings<T extends Record<string, unknown>>(stored: T): T {
  const legacy = (v: unknown) => (v === "cost-optimized" ? "fill-first" : v);
  const out: Record<string, unknown> = { ...stored };
  if ("routingStrategy" in out) out.routingStrategy = legacy(out.routingStrategy);
  const perProvider = out.providerStrategies;
  if (perProvider && typeof perProvider === "object" && !Array.isArray(perProvider)) {
    out.providerStrategies = Object.fromEntries(Object.entries(perProvider).map(([k, v]) => [k, legacy(v)]));
  }
  return out as T;
}

/** PUT takes a partial object; nested objects are replaced whole. */
export const SettingsPatchSchema = SettingsSchema.partial().strict();
