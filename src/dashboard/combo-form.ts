// The combo form (name, strategy, ordered `models` with a `weight` each when weighted) as ComboInputSchema input,
// and every error placed where the user sees it: next to the field or the model row it concerns.
import { COMBO_STRATEGIES } from "../settings/schema.ts";
import type { Combo } from "../routing/combos.ts";
import type { FieldErrors } from "../../views/components/form.tsx";
import type { ComboFormValues } from "../../views/partials/combos.tsx";
import { optional } from "./forms.ts";

type Form = { get(name: string): string | undefined; all(name: string): string[] };
type Strategy = ComboFormValues["strategy"];

const isStrategy = (s: string | undefined): s is Strategy => (COMBO_STRATEGIES as readonly string[]).includes(s ?? "");

export function readComboForm(
  form: Form,
  defaultStrategy: Strategy,
): { input: Record<string, unknown>; values: ComboFormValues; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = form.get("name") ?? "";
  const strategy = form.get("strategy");
  const models = form
    .all("models")
    .map((m) => m.trim())
    .filter(Boolean);
  const weights = form.all("weight");
  const members = models.map((model, i) => {
    if (strategy !== "weighted") return model;
    const raw = optional(weights[i]);
    if (raw === undefined) return { model };
    const weight = Number(raw);
    if (!Number.isFinite(weight)) {
      errors[`models.${i}.weight`] = "Enter a number";
      return { model };
    }
    return { model, weight };
  });
  const values: ComboFormValues = {
    name,
    strategy: isStrategy(strategy) ? strategy : defaultStrategy,
    items: models.map((model, i) => ({ model, weight: weights[i] ?? 1 })),
  };
  return { input: { name, strategy, models: members }, values, errors };
}

export function comboFormValues(combo: Combo): ComboFormValues {
  return { name: combo.name, strategy: combo.strategy, items: combo.members.map((m) => ({ model: m.model, weight: m.weight })) };
}

/** Moves `models.N…` errors onto row N (without the "models.N: " prefix the API puts in its messages); the rest stay per field. */
export function placeErrors(values: ComboFormValues, errors: FieldErrors): { values: ComboFormValues; errors: FieldErrors } {
  const rest: FieldErrors = {};
  const items = values.items.map((item) => ({ ...item }));
  for (const [key, message] of Object.entries(errors)) {
    const row = /^models\.(\d+)(?:\.|$)/.exec(key);
    const item = row ? items[Number(row[1])] : undefined;
    if (item) item.error ??= message.replace(/^models\.\d+(?:\.\w+)?: /, "");
    else rest[key] = message;
  }
  return { values: { ...values, items }, errors: rest };
}
