// The connect and edit forms of a provider account as input for ConnectionCreateSchema / ConnectionUpdateSchema.
import type { FieldErrors } from "../../views/components/form.tsx";
import { optional } from "./forms.ts";

type Form = { get(name: string): string | undefined };

const LIMIT_FIELDS = ["rpm", "minIntervalMs", "maxConcurrent"] as const;
/** Plan limits of locally counted quota windows: the form shows only the provider's own (plan-windows.ts). */
const QUOTA_WINDOWS = ["5h", "daily", "weekly", "monthly"] as const;

/** Reads a number field; a value that is not a number is an error on that field (zod then checks range and integer). */
function numberField(form: Form, name: string, errors: FieldErrors): number | undefined {
  const value = optional(form.get(name));
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) {
    errors[name] = "Enter a number";
    return undefined;
  }
  return n;
}

/**
 * Create: empty fields are "not given". Edit: an empty API key keeps the current one, an empty base URL
 * clears the override, empty limits remove them (all three empty: no limits at all).
 */
export function connectionFormInput(form: Form, mode: "create" | "update"): { input: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const input: Record<string, unknown> = {};
  const name = optional(form.get("name"));
  if (name !== undefined) input.name = name;
  const apiKey = optional(form.get("apiKey"));
  if (apiKey !== undefined) input.apiKey = apiKey;
  const baseUrl = optional(form.get("baseUrl"));
  if (baseUrl !== undefined) input.baseUrl = baseUrl;
  else if (mode === "update") input.baseUrl = null;
  const priority = numberField(form, "priority", errors);
  if (priority !== undefined) input.priority = priority;
  if (mode === "update") {
    const limits: Record<string, number> = {};
    for (const field of LIMIT_FIELDS) {
      const value = numberField(form, `limits.${field}`, errors);
      if (value !== undefined) limits[field] = value;
    }
    const quota: Record<string, number> = {};
    for (const window of QUOTA_WINDOWS) {
      const value = numberField(form, `limits.quota.${window}`, errors);
      if (value !== undefined) quota[window] = value;
    }
    const all: Record<string, unknown> = { ...limits, ...(Object.keys(quota).length ? { quota } : {}) };
    input.limits = Object.keys(all).length ? all : null;
  }
  return { input, errors };
}
