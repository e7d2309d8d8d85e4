// The built-in provider catalog: every provider the gateway knows without configuration, as frozen data.
import { AUDIO_PROVIDERS } from "./catalog/audio.ts";
import { CHEAP_PROVIDERS } from "./catalog/cheap.ts";
import { FIRST_PARTY_PROVIDERS } from "./catalog/first-party.ts";
import { FREE_PROVIDERS } from "./catalog/free.ts";
import { INFERENCE_HOST_PROVIDERS } from "./catalog/inference-hosts.ts";
import { MODEL_LAB_PROVIDERS } from "./catalog/model-labs.ts";
import { SUBSCRIPTION_PROVIDERS } from "./catalog/subscription.ts";
import type { CatalogEntry } from "./types.ts";

/** In the order the user guide shows them: subscription, cheap, free, then API-key providers. */
export const PROVIDER_CATALOG: readonly CatalogEntry[] = Object.freeze(
  [
    ...SUBSCRIPTION_PROVIDERS,
    ...CHEAP_PROVIDERS,
    ...FREE_PROVIDERS,
    ...FIRST_PARTY_PROVIDERS,
    ...MODEL_LAB_PROVIDERS,
    ...INFERENCE_HOST_PROVIDERS,
    ...AUDIO_PROVIDERS,
  ].map(freezeSpec),
);

/** Catalog entries are shared by every request; freezing them turns an accidental mutation into a TypeError. */
function freezeSpec(spec: CatalogEntry): CatalogEntry {
  for (const model of spec.models) {
    Object.freeze(model.price);
    Object.freeze(model);
  }
  Object.freeze(spec.models);
  if (spec.headers) Object.freeze(spec.headers);
  if (spec.media) Object.freeze(spec.media);
  return Object.freeze(spec);
}
