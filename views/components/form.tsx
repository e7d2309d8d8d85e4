// Form pieces that show a server-side validation error next to the field it concerns.
/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

export type FieldErrors = Record<string, string>;

export interface FieldProps {
  /** The input's id; defaults to one derived from `name` (pass one when a form repeats on a page). */
  id?: string;
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
  /** The id of a <datalist> of suggestions. */
  list?: string;
}

export function Field(p: FieldProps) {
  const id = p.id ?? `f-${p.name.replace(/[^a-z0-9]+/gi, "-")}`;
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
      {error ? (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      ) : p.help ? (
        <small id={`${id}-help`}>{p.help}</small>
      ) : null}
    </label>
  );
}

export interface SelectProps {
  /** The select's id; defaults to one derived from `name`. */
  id?: string;
  name: string;
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  value?: string;
  errors?: FieldErrors;
  /** Extra attributes for the <select> (htmx, Alpine). */
  attrs?: Record<string, string>;
}

export function Select(p: SelectProps) {
  const id = p.id ?? `f-${p.name.replace(/[^a-z0-9]+/gi, "-")}`;
  const error = p.errors?.[p.name];
  return (
    <label for={id}>
      {p.label}
      <select
        id={id}
        name={p.name}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...(p.attrs ?? {})}
      >
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === p.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      ) : null}
    </label>
  );
}

/** A message for the whole form (not one field), e.g. "Saved." or an upstream error. */
export function FormMessage(props: { error?: string; ok?: string; children?: Child }) {
  if (props.error)
    return (
      <p class="form-message error" role="alert">
        {props.error}
      </p>
    );
  if (props.ok)
    return (
      <p class="form-message ok" role="status">
        {props.ok}
      </p>
    );
  return null;
}
