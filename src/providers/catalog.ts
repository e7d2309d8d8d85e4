// The built-in provider catalog: every provider the gateway knows without configuration, as frozen data.
import { BUILTIN_PROVIDERS } from "./builtin.ts";
import type { CatalogEntry } from "./types.ts";

/** In the order the user guide shows them (builtin.ts): subscription, cheap, free, then API-key providers. */
export const PROVIDER_CATALOG: readonly CatalogEntry[] = Object.freeze(
  BUILTIN_PROVIDERS.flatMap((module) => module.entries).map(freezeSpec),
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
