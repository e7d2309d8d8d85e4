// Form posts from the dashboard: read them, validate with the same zod schemas as /api, and report errors per field.
import type { Context } from "hono";
import type { z } from "zod";
import type { FieldErrors } from "../../views/components/form.tsx";

/** The form as a flat string map (repeated fields keep their last value; use `all` for lists). */
export async function readForm(
  c: Context,
): Promise<{ get(name: string): string | undefined; all(name: string): string[]; raw: Record<string, string> }> {
  const form = await c.req.formData().catch(() => new FormData());
  const raw: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string") raw[k] = v;
  return {
    get: (name) => raw[name],
    all: (name) => form.getAll(name).filter((v): v is string => typeof v === "string"),
    raw,
  };
}

/** An empty input means "not given". */
export function optional(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

export function optionalNumber(value: string | undefined): number | undefined {
  const v = optional(value);
  return v === undefined ? undefined : Number(v);
}

export type Validated<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function validateForm<T extends z.ZodType>(schema: T, input: unknown): Validated<z.infer<T>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join(".") || "_form";
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
