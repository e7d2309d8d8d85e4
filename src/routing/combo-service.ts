// Combos as the API and dashboard save them: every member must resolve now, then the store refuses cycles and duplicates.
import { GatewayError } from "../canonical/errors.ts";
import type { Services } from "../services.ts";
import type { Combo, ComboInput } from "./combos.ts";

export interface ComboView {
  id: string;
  name: string;
  strategy: Combo["strategy"];
  models: Array<{ model: string; weight: number }>;
}

export function comboView(combo: Combo): ComboView {
  return { id: combo.id, name: combo.name, strategy: combo.strategy, models: combo.members.map((m) => ({ model: m.model, weight: m.weight })) };
}

export function requireCombo(services: Services, id: string): Combo {
  const combo = services.combos.list().find((c) => c.id === id);
  if (!combo) throw new GatewayError("not_found", `No combo with id "${id}".`, { code: "combo_not_found" });
  return combo;
}

/** Every member must resolve now (a model, alias or another combo); a typo is caught when saved, not at 3 a.m. */
export function assertMembersResolve(services: Services, models: ComboInput["models"], selfName: string): void {
  models.forEach((m, i) => {
    const name = typeof m === "string" ? m : m.model;
    if (name.toLowerCase() === selfName.toLowerCase()) return; // reported as a cycle by the store
    try {
      services.router.resolve(name);
    } catch (err) {
      if (err instanceof GatewayError && err.kind === "not_found") {
        throw new GatewayError("invalid_request", `models.${i}: "${name}" is not a known model, alias or combo.`, { param: `models.${i}` });
      }
      throw err;
    }
  });
}

export function createCombo(services: Services, input: ComboInput): Combo {
  assertMembersResolve(services, input.models, input.name);
  return services.combos.create(input, services.settings.get().comboDefaults.strategy);
}

export function updateComboById(services: Services, id: string, input: Partial<ComboInput>): Combo {
  if (input.models) assertMembersResolve(services, input.models, input.name ?? requireCombo(services, id).name);
  return services.combos.update(id, input);
}
