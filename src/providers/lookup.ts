// Finds a built-in provider by its id or model-name prefix, case-insensitively, with one Map lookup.
import { PROVIDER_CATALOG } from "./catalog.ts";
import type { ProviderSpec } from "./types.ts";

const BY_NAME: ReadonlyMap<string, ProviderSpec> = indexByName(PROVIDER_CATALOG);

/** `findProvider("DS")` and `findProvider("deepseek")` both answer the DeepSeek entry; unknown names answer undefined. */
export function findProvider(idOrAlias: string): ProviderSpec | undefined {
  return BY_NAME.get(idOrAlias.toLowerCase());
}

/** Built once at load; two providers claiming one name would make routing ambiguous, so that fails loudly. */
function indexByName(catalog: readonly ProviderSpec[]): Map<string, ProviderSpec> {
  const byName = new Map<string, ProviderSpec>();
  for (const spec of catalog) {
    for (const name of [spec.id, spec.alias]) {
      const key = name.toLowerCase();
      const claimant = byName.get(key);
      if (claimant && claimant !== spec) {
        throw new Error(`provider name "${name}" is claimed by both "${claimant.id}" and "${spec.id}"`);
      }
      byName.set(key, spec);
    }
  }
  return byName;
}
