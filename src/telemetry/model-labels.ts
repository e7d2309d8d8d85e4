// The `model` label of metrics: names from configuration (catalog and custom models, combos, fallback chains,
// alias targets) keep their name; anything a client made up counts under "other", so series stay bounded.
import type { CustomModels } from "../providers/model-service.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { ComboStore } from "../routing/combos.ts";
import type { Settings } from "../settings/schema.ts";

/** The label every model name that configuration does not know shares. */
export const OTHER_MODEL = "other";
/** How long the set of configured names is trusted before it is rebuilt (never per request). */
const REFRESH_MS = 15_000;

export interface ModelLabelDeps {
  models: Pick<CustomModels, "list">;
  providers: Pick<ProviderRegistry, "all" | "get">;
  combos: Pick<ComboStore, "list">;
  settings: () => Pick<Settings, "fallbackChains" | "wildcardAliases">;
}

export interface ModelLabels {
  /** `model` itself when configuration names it (bare or as "provider/model"), else "other". */
  of(model: string | undefined): string;
}

export function createModelLabels(deps: ModelLabelDeps, now: () => number = Date.now): ModelLabels {
  let known = new Set<string>();
  let builtAt = -Infinity;
  const rebuild = () => {
    const names = new Set<string>();
    for (const spec of deps.providers.all()) for (const m of spec.models) names.add(m.id);
    for (const row of deps.models.list()) names.add(row.modelId);
    for (const combo of deps.combos.list()) names.add(combo.name);
    const settings = deps.settings();
    for (const chain of settings.fallbackChains) names.add(chain.name);
    for (const alias of settings.wildcardAliases) names.add(alias.target);
    known = names;
  };
  return {
    of(model) {
      if (!model) return OTHER_MODEL;
      const t = now();
      if (t - builtAt > REFRESH_MS) {
        builtAt = t;
        try {
          rebuild();
        } catch {
          // Configuration that cannot be read now: keep the names known so far.
        }
      }
      if (known.has(model)) return model;
      const slash = model.indexOf("/");
      if (slash > 0 && known.has(model.slice(slash + 1)) && deps.providers.get(model.slice(0, slash))) return model;
      return OTHER_MODEL;
    },
  };
}
