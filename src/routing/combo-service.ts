// Combos as the API and dashboard save them: every member must resolve now, then the store refuses cycles and duplicates.
import { GatewayError } from "../canonical/errors.ts";
import type { ComboStore } from "./combos.ts";
import type { Router } from "./resolve.ts";
import type { SettingsStore } from "../settings/store.ts";
import type { Combo, ComboInput } from "./combos.ts";

/** Where combos live, what resolves their members, and the default strategy setting. */
export interface ComboDeps {
  combos: ComboStore;
  router: Router;
  settings: Pick<SettingsStore, "get">;
}

export interface ComboView {
  id: string;
  name: string;
  strategy: Combo["strategy"];
  models: Array<{ model: string; weight: number }>;
}

export function comboView(combo: Combo): ComboView {
  return {
    id: combo.id,
    name: combo.name,
    strategy: combo.strategy,
    models: combo.members.map((m) => ({ model: m.model, weight: m.weight })),
  };
}

export function requireCombo(deps: ComboDeps, id: string): Combo {
  const combo = deps.combos.list().find((c) => c.id === id);
  if (!combo) throw new GatewayError("not_found", `No combo with id "${id}".`, { code: "combo_not_found" });
  return combo;
}

/** Every member must resolve now (a model, alias or another combo); a typo is caught when saved, not at 3 a.m. */
export function assertMembersResolve(deps: ComboDeps, models: ComboInput["models"], selfName: string): void {
  models.forEach((m, i) => {
    const name = typeof m === "string" ? m : m.model;
    if (name.toLowerCase() === selfName.toLowerCase()) return; // reported as a cycle by the store
    try {
      deps.router.resolve(name);
    } catch (err) {
      if (err instanceof GatewayError && err.kind === "not_found") {
        throw new GatewayError("invalid_request", `models.${i}: "${name}" is not a known model, alias or combo.`, { param: `models.${i}` });
      }
      throw err;
    }
  });
}

export function createCombo(deps: ComboDeps, input: ComboInput): Promise<Combo> {
  assertMembersResolve(deps, input.models, input.name);
  return deps.combos.create(input, deps.settings.get().comboDefaults.strategy);
}

export function updateComboById(deps: ComboDeps, id: string, input: Partial<ComboInput>): Promise<Combo> {
  if (input.models) assertMembersResolve(deps, input.models, input.name ?? requireCombo(deps, id).name);
  return deps.combos.update(id, input);
}
