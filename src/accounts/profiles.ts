// Resilience profiles (breaker threshold, cooldowns, backoff) and default per-account limits, editable via /api/resilience.
import { z } from "zod";
import type { ChangeArea } from "../db/change-feed.ts";
import { readSetting, readSettingForUpdate, writeSetting } from "../db/queries/settings.ts";
import type { Store } from "../db/store.ts";

export const ProfileSchema = z.object({
  /** Consecutive failures that open a provider's breaker. */
  failureThreshold: z.number().int().min(1).max(1000),
  /** How long an open breaker stays open before a half-open probe. */
  breakerCooldownMs: z
    .number()
    .int()
    .min(100)
    .max(24 * 3_600_000),
  /** First cooldown of an account after a failure; doubles on each further failure... */
  backoffBaseMs: z.number().int().min(0).max(3_600_000),
  /** ...up to this cap. Provider hints (Retry-After) may ask for longer and are honoured. */
  backoffCapMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3_600_000),
  /** How long to wait for an upstream's response headers before trying the next account or model. */
  timeoutMs: z.number().int().min(100).max(3_600_000),
  /**
   * How long an answer may go silent after its headers (between two chunks of a stream, or until an unstreamed
   * body is complete) before it is given up. Generous: a reasoning model may think for minutes in silence.
   */
  streamIdleMs: z.number().int().min(1_000).max(3_600_000),
  /**
   * Rate-limit detection sensitivity: 429 answers in a row (without a Retry-After) that cool an account.
   * 1, the most sensitive, cools it on the first; more lets a provider's stray 429s pass (the request still moves on).
   */
  rateLimitStrikes: z.number().int().min(1).max(100),
});

export const LimitsSchema = z.object({
  /** Requests per minute per account; 0 = no limit. */
  rpm: z.number().int().min(0).max(100_000),
  /** Minimum time between two request starts on one account; 0 = none. */
  minIntervalMs: z.number().int().min(0).max(3_600_000),
  /** Concurrent requests per account; 0 = no limit. */
  maxConcurrent: z.number().int().min(0).max(10_000),
});

export type Profile = z.infer<typeof ProfileSchema>;
export type Limits = z.infer<typeof LimitsSchema>;

export const ResilienceSchema = z.object({
  defaults: ProfileSchema,
  providers: z.record(z.string(), ProfileSchema.partial()),
  limits: LimitsSchema,
});
export type ResilienceConfig = z.infer<typeof ResilienceSchema>;

export const ResiliencePatchSchema = z
  .object({
    defaults: ProfileSchema.partial().optional(),
    providers: z.record(z.string(), ProfileSchema.partial().nullable()).optional(),
    limits: LimitsSchema.partial().optional(),
  })
  .strict();

export const DEFAULT_RESILIENCE: ResilienceConfig = {
  defaults: {
    failureThreshold: 5,
    breakerCooldownMs: 30_000,
    backoffBaseMs: 2_000,
    backoffCapMs: 5 * 60_000,
    timeoutMs: 600_000,
    streamIdleMs: 300_000,
    rateLimitStrikes: 1,
  },
  providers: {},
  limits: { rpm: 0, minIntervalMs: 0, maxConcurrent: 0 },
};

const KEY = "resilience";

export interface ResilienceSettings {
  get(): ResilienceConfig;
  profile(provider: string): Profile;
  update(patch: z.infer<typeof ResiliencePatchSchema>): Promise<ResilienceConfig>;
  /** Re-read the stored configuration (another instance changed it, or a database import). */
  reload(): Promise<void>;
}

export async function createResilienceSettings(store: Store, changed: (area: ChangeArea) => void = () => {}): Promise<ResilienceSettings> {
  const parse = (saved: Partial<ResilienceConfig> | undefined): ResilienceConfig => {
    const stored = ResilienceSchema.safeParse(
      saved && { ...DEFAULT_RESILIENCE, ...saved, defaults: { ...DEFAULT_RESILIENCE.defaults, ...saved.defaults } },
    );
    return stored.success ? stored.data : DEFAULT_RESILIENCE;
  };
  const load = async () => parse(await readSetting<Partial<ResilienceConfig>>(store, KEY));
  let current = await load();
  return {
    async reload() {
      current = await load();
    },
    get: () => current,
    profile: (provider) => ({ ...current.defaults, ...current.providers[provider] }),
    async update(patch) {
      // The patch goes on what is stored now, not on this copy: another instance's change a moment ago is kept.
      current = await store.transaction(async (tx) => {
        const latest = parse(await readSettingForUpdate<Partial<ResilienceConfig>>(tx, KEY));
        const providers = { ...latest.providers };
        for (const [id, p] of Object.entries(patch.providers ?? {})) {
          if (p === null) delete providers[id];
          else providers[id] = { ...providers[id], ...p };
        }
        const next = ResilienceSchema.parse({
          defaults: { ...latest.defaults, ...patch.defaults },
          providers,
          limits: { ...latest.limits, ...patch.limits },
        });
        await writeSetting(tx, KEY, next);
        return next;
      });
      changed("settings");
      return current;
    },
  };
}
