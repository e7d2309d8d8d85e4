// The default price table: for every built-in provider, how it bills and each model's USD per 1M tokens, read from the catalog.
import { PROVIDER_CATALOG } from "../providers/catalog.ts";
import type { Billing, ModelPrice } from "../providers/price.ts";

export type { ModelPrice } from "../providers/price.ts";
export { ZERO_PRICE } from "../providers/price.ts";

export interface ProviderPricing {
  billing: Billing;
  models: Record<string, ModelPrice>;
}

/**
 * Keyed by provider id, then by the catalog's model id. List prices from each provider's public pricing page, kept
 * beside each model in its catalog entry; lines marked "unverified" there are best knowledge. Users override any of
 * it through `PUT /api/pricing`.
 */
export const DEFAULT_PRICING: Readonly<Record<string, ProviderPricing>> = Object.freeze(
  Object.fromEntries(
    PROVIDER_CATALOG.map((entry) => [
      entry.id,
      Object.freeze({
        billing: entry.billing,
        models: Object.freeze(Object.fromEntries(entry.models.map((model) => [model.id, model.price]))),
      }),
    ]),
  ),
);
