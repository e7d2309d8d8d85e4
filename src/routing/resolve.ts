// Resolves a requested model name to the ordered targets that may serve it: combo, fallback chain,
// wildcard alias or `prefix/model`, with the global fallback chains appended.
import { GatewayError } from "../canonical/errors.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { ProviderSpec } from "../providers/types.ts";
import type { Settings } from "../settings/schema.ts";
import { COMBO_STRATEGY, type ComboContext, type ComboMember } from "./combo-strategies/index.ts";
import type { ComboStore } from "./combos.ts";
import { createAliasMatcher, type AliasMatcher } from "./wildcard.ts";

export interface Target {
  provider: ProviderSpec;
  /** The model id as the upstream knows it (prefix removed). */
  model: string;
  /** `alias/model`, as shown to the user (`ds/deepseek-chat`). */
  label: string;
  /** The combo (or fallback chain) this target came from, if any. */
  combo?: string;
}

const MAX_DEPTH = 8;

/** Split `prefix/model` at the first slash: model ids may contain slashes themselves. */
export function splitModelName(name: string): { prefix: string; model: string } | undefined {
  const slash = name.indexOf("/");
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { prefix: name.slice(0, slash), model: name.slice(slash + 1) };
}

export function modelNotFound(name: string): GatewayError {
  return new GatewayError(
    "not_found",
    `Model "${name}" was not found. Use "provider/model" (for example "ds/deepseek-chat") or a combo name; GET /v1/models lists every model you can call.`,
    { code: "model_not_found", param: "model" },
  );
}

export interface Router {
  resolve(name: string): Target[];
}

export interface RouterDeps {
  providers: ProviderRegistry;
  combos: ComboStore;
  settings: () => Settings;
  comboContext: Omit<ComboContext, "combo">;
}

export function createRouter(deps: RouterDeps): Router {
  let aliasSource: Settings["wildcardAliases"] | undefined;
  let aliases: AliasMatcher = createAliasMatcher([]);
  const matcher = (settings: Settings) => {
    if (settings.wildcardAliases !== aliasSource) {
      aliasSource = settings.wildcardAliases;
      aliases = createAliasMatcher(aliasSource);
    }
    return aliases;
  };

  function direct(name: string, combo?: string): Target | undefined {
    const parts = splitModelName(name);
    const provider = parts && deps.providers.get(parts.prefix);
    if (!parts || !provider) return undefined;
    const model = modelAliases(provider).get(parts.model) ?? parts.model;
    return { provider, model, label: `${provider.alias}/${model}`, ...(combo ? { combo } : {}) };
  }

  function expand(name: string, settings: Settings, depth: number, combo?: string): Target[] {
    if (depth > MAX_DEPTH)
      throw new GatewayError("invalid_request", `Model "${name}" nests combos or aliases more than ${MAX_DEPTH} deep.`, { param: "model" });
    const found = deps.combos.byName(name);
    if (found) {
      const ordered = COMBO_STRATEGY[found.strategy](found.members, { ...deps.comboContext, combo: found.name });
      return ordered.flatMap((m: ComboMember) => expand(m.model, settings, depth + 1, found.name));
    }
    const chain = settings.fallbackChains.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (chain) return chain.models.flatMap((m) => expand(m, settings, depth + 1, chain.name));
    const target = direct(name, combo);
    if (target) return [target];
    const aliased = matcher(settings).match(name);
    if (aliased && aliased !== name) return expand(aliased, settings, depth + 1, combo);
    throw modelNotFound(name);
  }

  return {
    resolve(name) {
      const settings = deps.settings();
      const targets = expand(name, settings, 0);
      // Global fallback chains: a target that appears in a chain is followed by the chain's later models.
      for (const chain of settings.fallbackChains) {
        const labels = chain.models.map((m) => direct(m)?.label ?? m);
        const at = labels.findIndex((l) => targets.some((t) => t.label === l));
        if (at === -1) continue;
        for (const m of chain.models.slice(at + 1)) {
          for (const t of safeExpand(m, settings))
            if (!targets.some((x) => x.label === t.label)) targets.push({ ...t, combo: t.combo ?? chain.name });
        }
      }
      return dedupe(targets);
    },
  };

  function safeExpand(name: string, settings: Settings): Target[] {
    try {
      return expand(name, settings, 1);
    } catch {
      return []; // a chain naming a model that no longer resolves does not break the request
    }
  }
}

/** A provider's model aliases (CatalogModel.aliases) as alias -> id, built once per provider spec. */
const aliasTables = new WeakMap<ProviderSpec, Map<string, string>>();

function modelAliases(provider: ProviderSpec): Map<string, string> {
  let table = aliasTables.get(provider);
  if (!table) {
    table = new Map();
    for (const m of provider.models) for (const alias of m.aliases ?? []) table.set(alias, m.id);
    aliasTables.set(provider, table);
  }
  return table;
}

/** The same model reached twice (through nested combos) is tried once, at its first place. */
function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => (seen.has(t.label) ? false : (seen.add(t.label), true)));
}
