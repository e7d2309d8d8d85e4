// Form fields with an id scope, for pages that repeat the same form (one per provider or account) on one page.
/** @jsxImportSource hono/jsx */
import type { FieldErrors } from "../components/form.tsx";

/** An element id safe in CSS selectors for any provider id or prefix (letters, digits and '-' kept, the rest hex-escaped). */
export function domId(prefix: string, value: string): string {
  return `${prefix}-${value.replace(/[^a-zA-Z0-9-]/g, (ch) => `_${ch.charCodeAt(0).toString(16)}`)}`;
}

export interface ScopedFieldProps {
  /** Unique on the page: the input's id is `${scope}-${name}`. */
  scope: string;
  name: string;
  label: string;
  type?: string;
  value?: string | number | null;
  errors?: FieldErrors;
  placeholder?: string;
  required?: boolean;
  help?: string;
  autocomplete?: string;
  min?: number;
  max?: number;
  step?: string;
  list?: string;
}

export function ScopedField(p: ScopedFieldProps) {
  const id = domId(p.scope, p.name);
  const error = p.errors?.[p.name];
  return (
    <label for={id}>
      {p.label}
      <input
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value === null || p.value === undefined ? undefined : String(p.value)}
        placeholder={p.placeholder}
        required={p.required}
        autocomplete={p.autocomplete}
        min={p.min}
        max={p.max}
        step={p.step}
        list={p.list}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : p.help ? `${id}-help` : undefined}
      />
      {error ? <small id={`${id}-error`} class="field-error">{error}</small> : p.help ? <small id={`${id}-help`}>{p.help}</small> : null}
    </label>
  );
}

export interface ScopedSelectProps {
  scope: string;
  name: string;
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  value?: string;
  errors?: FieldErrors;
  attrs?: Record<string, string>;
}

export function ScopedSelect(p: ScopedSelectProps) {
  const id = domId(p.scope, p.name);
  const error = p.errors?.[p.name];
  return (
    <label for={id}>
      {p.label}
      <select id={id} name={p.name} aria-invalid={error ? "true" : undefined} aria-describedby={error ? `${id}-error` : undefined} {...(p.attrs ?? {})}>
        {p.options.map((o) => <option value={o.value} selected={o.value === p.value}>{o.label}</option>)}
      </select>
      {error ? <small id={`${id}-error`} class="field-error">{error}</small> : null}
    </label>
  );
}
