// Form fields with an id scope, for pages that repeat the same form (one per provider or account) on one page.
/** @jsxImportSource hono/jsx */
import { Field, Select, type FieldProps, type SelectProps } from "../components/form.tsx";

/** An element id safe in CSS selectors for any provider id or prefix (letters, digits and '-' kept, the rest hex-escaped). */
export function domId(prefix: string, value: string): string {
  return `${prefix}-${value.replace(/[^a-zA-Z0-9-]/g, (ch) => `_${ch.charCodeAt(0).toString(16)}`)}`;
}

export type ScopedFieldProps = Omit<FieldProps, "id"> & {
  /** Unique on the page: the input's id is `${scope}-${name}`. */
  scope: string;
};

/** A Field whose id is scoped, for forms repeated once per provider or account. */
export function ScopedField({ scope, ...p }: ScopedFieldProps) {
  return <Field {...p} id={domId(scope, p.name)} />;
}

export type ScopedSelectProps = Omit<SelectProps, "id"> & { scope: string };

export function ScopedSelect({ scope, ...p }: ScopedSelectProps) {
  return <Select {...p} id={domId(scope, p.name)} />;
}
