// Pieces every Settings form shares: the htmx form that swaps itself, a textarea and a switch with their errors.
/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { hx } from "../components/attrs.ts";
import { FormMessage, type FieldErrors } from "../components/form.tsx";

export interface FormState {
  errors?: FieldErrors;
  ok?: string;
}

export function fieldId(name: string): string {
  return `f-${name.replace(/[^a-z0-9]+/gi, "-")}`;
}

/** A form that posts (or patches) to its partial and is replaced by the answer: the saved form, or the form with errors (422). */
export function SettingsForm(
  props: FormState & { id: string; action: string; method?: "post" | "put"; submit?: string; children?: Child; disabled?: boolean },
) {
  return (
    <form
      id={props.id}
      {...hx({ ...(props.method === "put" ? { put: props.action } : { post: props.action }), target: `#${props.id}`, swap: "outerHTML" })}
    >
      {props.children}
      <FormMessage error={props.errors?._form} ok={props.ok} />
      <button type="submit" disabled={props.disabled}>
        {props.submit ?? "Save"}
      </button>
    </form>
  );
}

export function TextArea(p: {
  name: string;
  label: string;
  value?: string;
  rows?: number;
  errors?: FieldErrors;
  help?: string;
  placeholder?: string;
  disabled?: boolean;
}) {
  const id = fieldId(p.name);
  const error = p.errors?.[p.name];
  return (
    <label for={id}>
      {p.label}
      <textarea
        id={id}
        name={p.name}
        rows={p.rows ?? 4}
        placeholder={p.placeholder}
        disabled={p.disabled}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : p.help ? `${id}-help` : undefined}
      >
        {p.value ?? ""}
      </textarea>
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

export function Switch(p: { name: string; label: string; checked: boolean; help?: string; disabled?: boolean }) {
  const id = fieldId(p.name);
  return (
    <label for={id}>
      <input
        id={id}
        type="checkbox"
        role="switch"
        name={p.name}
        value="1"
        checked={p.checked}
        disabled={p.disabled}
        aria-describedby={p.help ? `${id}-help` : undefined}
      />
      <span>{p.label}</span>
      {p.help ? (
        <small id={`${id}-help`} style="display:block">
          {p.help}
        </small>
      ) : null}
    </label>
  );
}

/** A select whose options carry their own labels, with the error under it (form.tsx's Select has no help text). */
export function Choice(p: {
  name: string;
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  value?: string;
  errors?: FieldErrors;
  help?: string;
  disabled?: boolean;
}) {
  const id = fieldId(p.name);
  const error = p.errors?.[p.name];
  return (
    <label for={id}>
      {p.label}
      <select
        id={id}
        name={p.name}
        disabled={p.disabled}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : p.help ? `${id}-help` : undefined}
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
      ) : p.help ? (
        <small id={`${id}-help`}>{p.help}</small>
      ) : null}
    </label>
  );
}

/** `30000` -> "30 s", `300000` -> "5 min": durations as a person reads them. */
export function duration(ms: number): string {
  if (ms === 0) return "0";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  return `${+(ms / 3_600_000).toFixed(1)} h`;
}
