// The pricing table in force: the defaults for every catalog model under the user's overrides (GET/PUT /api/pricing).
import { z } from "zod";
import type { ChangeArea } from "../db/change-feed.ts";
import type { Store } from "../db/store.ts";
import { readSetting, readSettingForUpdate, writeSetting } from "../db/queries/settings.ts";
import { DEFAULT_PRICING, type ModelPrice } from "./pricing-defaults.ts";

const price = z.number().min(0).max(100_000);
export const ModelPriceSchema = z
  .object({
    input: price,
    output: price,
    cached: price.optional(),
    reasoning: price.optional(),
    cacheWrite: price.optional(),
  })
  .strict();

/** PUT body: prices to set; `null` removes an override and restores the default. */
export const PricingPatchSchema = z.record(z.string().min(1).max(64), z.record(z.string().min(1).max(300), ModelPriceSchema.nullable()));

type Table = Record<string, Record<string, ModelPrice>>;
const KEY = "pricing.overrides";

export interface Pricing {
  /** The price of a model at a provider, or undefined when nobody knows it. */
  priceOf(provider: string, model: string): ModelPrice | undefined;
  /** Whether the provider bills per token (`metered`), by subscription (`flat-rate`) or not at all (`free`). */
  billing(provider: string): "metered" | "flat-rate" | "free" | "unknown";
  /** Defaults merged with overrides, as GET /api/pricing answers. */
  table(): Table;
  overrides(): Table;
  update(patch: z.infer<typeof PricingPatchSchema>): Promise<Table>;
  /** Re-read the stored overrides (another instance changed them, or a database import). */
  reload(): Promise<void>;
}

export async function createPricing(store: Store, changed: (area: ChangeArea) => void = () => {}): Promise<Pricing> {
  let overrides: Table = (await readSetting<Table>(store, KEY)) ?? {};
  const pricing: Pricing = {
    async reload() {
      overrides = (await readSetting<Table>(store, KEY)) ?? {};
    },
    priceOf(provider, model) {
      return overrides[provider]?.[model] ?? DEFAULT_PRICING[provider]?.models[model];
    },
    billing(provider) {
      return DEFAULT_PRICING[provider]?.billing ?? (overrides[provider] ? "metered" : "unknown");
    },
    table() {
      const out: Table = {};
      for (const [provider, pricing] of Object.entries(DEFAULT_PRICING)) out[provider] = { ...pricing.models };
      for (const [provider, models] of Object.entries(overrides)) out[provider] = { ...out[provider], ...models };
      return out;
    },
    overrides: () => overrides,
    async update(patch) {
      // The patch goes on what is stored now, not on this copy: another instance's change a moment ago is kept.
      overrides = await store.transaction(async (tx) => {
        const next: Table = (await readSettingForUpdate<Table>(tx, KEY)) ?? {};
        for (const [provider, models] of Object.entries(patch)) {
          const current = (next[provider] ??= {});
          for (const [model, p] of Object.entries(models)) {
            if (p === null) delete current[model];
            else current[model] = p;
          }
          if (Object.keys(current).length === 0) delete next[provider];
        }
        await writeSetting(tx, KEY, next);
        return next;
      });
      changed("pricing");
      return pricing.table();
    },
  };
  return pricing;
}

/** One number to rank models by price: the mean of input and output USD per 1M tokens. */
export function blendedPrice(p: ModelPrice): number {
  return (p.input + p.output) / 2;
}
