// The pricing tab's data: the table in force grouped and filtered, one line of it, and a row's form checked with /api's schema.
import { DEFAULT_PRICING } from "../usage/pricing-defaults.ts";
import { PricingPatchSchema, type Pricing } from "../usage/pricing.ts";
import type { FieldErrors } from "../../views/components/form.tsx";
import {
  PRICE_FIELDS,
  type PriceField,
  type PriceLine,
  type PricingFilterValues,
  type ProviderPrices,
} from "../../views/partials/pricing.tsx";
import { optional } from "./forms.ts";
import type { z } from "zod";

export function pricingLine(pricing: Pricing, provider: string, model: string): PriceLine | undefined {
  const price = pricing.table()[provider]?.[model];
  if (!price) return undefined;
  return {
    provider,
    model,
    price,
    custom: pricing.overrides()[provider]?.[model] !== undefined,
    hasDefault: DEFAULT_PRICING[provider]?.models[model] !== undefined,
  };
}

export function pricingProviders(pricing: Pricing): string[] {
  return Object.keys(pricing.table()).sort();
}

/** Providers A-Z, models A-Z within each; `model` matches part of the name, case-insensitive. */
export function filterPricing(pricing: Pricing, filter: PricingFilterValues): { groups: ProviderPrices[]; shown: number; total: number } {
  const table = pricing.table();
  const overrides = pricing.overrides();
  const needle = filter.model?.toLowerCase();
  let total = 0;
  let shown = 0;
  const groups: ProviderPrices[] = [];
  for (const provider of Object.keys(table).sort()) {
    const models = Object.keys(table[provider]!);
    total += models.length;
    if (filter.provider && filter.provider !== provider) continue;
    const lines = models
      .filter((m) => !needle || m.toLowerCase().includes(needle))
      .sort()
      .map((model) => ({
        provider,
        model,
        price: table[provider]![model]!,
        custom: overrides[provider]?.[model] !== undefined,
        hasDefault: DEFAULT_PRICING[provider]?.models[model] !== undefined,
      }));
    if (!lines.length) continue;
    shown += lines.length;
    groups.push({ provider, billing: pricing.billing(provider), lines });
  }
  return { groups, shown, total };
}

type Patch = z.infer<typeof PricingPatchSchema>;

export type PriceForm = { ok: true; patch: Patch } | { ok: false; values: Partial<Record<PriceField, string>>; errors: FieldErrors };

/** A friendlier sentence for zod's number issues; anything else keeps zod's message. */
function message(issue: z.core.$ZodIssue): string {
  if (issue.code === "too_small") return "Must be 0 or more";
  if (issue.code === "too_big") return "At most 100,000 USD per 1M tokens";
  return issue.message;
}

/**
 * A row's inputs to the PUT /api/pricing patch `{ [provider]: { [model]: price } }`, validated by the same
 * PricingPatchSchema (and so ModelPriceSchema). An empty optional price is left out (it then follows input/output).
 */
export function readPriceForm(form: { get(name: string): string | undefined }): PriceForm {
  const provider = form.get("provider") ?? "";
  const model = form.get("model") ?? "";
  const values: Partial<Record<PriceField, string>> = {};
  const errors: FieldErrors = {};
  const price: Record<string, number> = {};
  for (const f of PRICE_FIELDS) {
    const raw = optional(form.get(f.name));
    values[f.name] = raw ?? "";
    if (raw === undefined) {
      if (f.absent === "required") errors[f.name] = "Enter a price (0 when free)";
      continue;
    }
    const n = Number(raw);
    if (!Number.isFinite(n)) errors[f.name] = "Enter a number";
    else price[f.name] = n;
  }
  if (Object.keys(errors).length) return { ok: false, values, errors };
  const parsed = PricingPatchSchema.safeParse({ [provider]: { [model]: price } });
  if (parsed.success) return { ok: true, patch: parsed.data };
  for (const issue of parsed.error.issues) {
    // Paths are [provider, model, field]; a shorter one is about the provider or model name itself.
    const field = issue.path.length === 3 ? String(issue.path[2]) : "_form";
    errors[field] ??= field === "_form" ? "This provider or model name is not valid" : message(issue);
  }
  return { ok: false, values, errors };
}
