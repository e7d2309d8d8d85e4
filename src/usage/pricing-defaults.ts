// The default price table, as data: for every catalog provider, how it bills and each model's USD per 1M tokens.
import { AUDIO_PRICING } from "./pricing-defaults/audio.ts";
import { CHEAP_PRICING } from "./pricing-defaults/cheap.ts";
import { FIRST_PARTY_PRICING } from "./pricing-defaults/first-party.ts";
import { FREE_PRICING } from "./pricing-defaults/free.ts";
import { INFERENCE_HOST_PRICING } from "./pricing-defaults/inference-hosts.ts";
import { MODEL_LAB_PRICING } from "./pricing-defaults/model-labs.ts";
import { SUBSCRIPTION_PRICING } from "./pricing-defaults/subscription.ts";
import type { ProviderPricing } from "./pricing-defaults/types.ts";

export type { ModelPrice, ProviderPricing } from "./pricing-defaults/types.ts";
export { ZERO_PRICE } from "./pricing-defaults/types.ts";

/**
 * Keyed by provider id, then by the catalog's model id. List prices from each provider's public pricing page;
 * lines marked "unverified" are best knowledge. Users override any of it through `PUT /api/pricing`.
 */
export const DEFAULT_PRICING: Readonly<Record<string, ProviderPricing>> = freezePricing({
  ...SUBSCRIPTION_PRICING,
  ...CHEAP_PRICING,
  ...FREE_PRICING,
  ...FIRST_PARTY_PRICING,
  ...MODEL_LAB_PRICING,
  ...INFERENCE_HOST_PRICING,
  ...AUDIO_PRICING,
});

/** Shared by every cost computation; freezing turns an accidental mutation into a TypeError. */
function freezePricing(table: Record<string, ProviderPricing>): Readonly<Record<string, ProviderPricing>> {
  for (const pricing of Object.values(table)) {
    Object.values(pricing.models).forEach((price) => Object.freeze(price));
    Object.freeze(pricing.models);
    Object.freeze(pricing);
  }
  return Object.freeze(table);
}
