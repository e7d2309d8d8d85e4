// The Translator's Playground: a request in one format, and what an upstream of another format would receive.
/** @jsxImportSource hono/jsx */
import type { translateRequest } from "../../src/api/translator.ts";
import { FORMAT_IDS, FORMAT_LABELS } from "../../src/dashboard/translator-examples.ts";
import type { FormatId } from "../../src/formats/types.ts";
import { hx } from "../components/attrs.ts";
import { Badge } from "../components/card.tsx";
import { Field, FormMessage, Select, type FieldErrors } from "../components/form.tsx";

export type Translation = ReturnType<typeof translateRequest>;

export const FORMAT_OPTIONS = FORMAT_IDS.map((id) => ({ value: id, label: FORMAT_LABELS[id] }));

export interface PlaygroundValues {
  from: string;
  to: string;
  model?: string;
  body: string;
}

/** Pretty JSON in a scrollable block with a copy button (the text is escaped by JSX like any other). */
export function JsonBlock(props: { id: string; label: string; value: unknown }) {
  return (
    <figure class="json-block">
      <figcaption>
        {props.label}{" "}
        <button type="button" class="small outline secondary" data-copy-target={`#${props.id}`} aria-label={`Copy ${props.label}`}>
          Copy
        </button>
      </figcaption>
      <pre class="code" id={props.id} tabindex={0}>
        <code>{JSON.stringify(props.value, null, 2)}</code>
      </pre>
    </figure>
  );
}

export function DroppedList({ dropped }: { dropped: string[] }) {
  if (!dropped.length)
    return (
      <p>
        <Badge kind="ok">nothing dropped</Badge> The target can express every field of this request.
      </p>
    );
  return (
    <p>
      <Badge kind="warn">{`${dropped.length} dropped`}</Badge> The target cannot express:{" "}
      {dropped.map((d, i) => (
        <>
          {i ? ", " : ""}
          <code>{d}</code>
        </>
      ))}
    </p>
  );
}

export function TranslationView({ t }: { t: Translation }) {
  return (
    <section id="playground-result" aria-labelledby="playground-result-title">
      <h3 id="playground-result-title">
        {FORMAT_LABELS[t.from]} → {FORMAT_LABELS[t.to]}
      </h3>
      <p>
        Upstream path: <code>POST {t.path}</code>
      </p>
      <DroppedList dropped={t.dropped} />
      <JsonBlock id="playground-target-body" label="Body the upstream receives" value={t.body} />
      <details>
        <summary>Canonical request (the gateway's own model, between the two formats)</summary>
        <JsonBlock id="playground-canonical" label="Canonical request" value={t.canonical} />
      </details>
    </section>
  );
}

export function Playground(props: { values: PlaygroundValues; errors?: FieldErrors; result?: Translation }) {
  const { values, errors } = props;
  const bodyError = errors?.body;
  return (
    <div id="playground">
      <form {...hx({ post: "/dashboard/partials/translator/translate", target: "#playground", swap: "outerHTML" })}>
        <div class="grid">
          <Select name="from" label="Client format (source)" options={FORMAT_OPTIONS} value={values.from} errors={errors} />
          <Select name="to" label="Upstream format (target)" options={FORMAT_OPTIONS} value={values.to} errors={errors} />
        </div>
        <Field
          name="model"
          label="Model (for a Gemini source)"
          value={values.model}
          errors={errors}
          placeholder="gemini-2.5-flash"
          help="Gemini names the model in the URL, not in the body; other formats read it from the body."
        />
        <label for="f-body">
          Request body (JSON)
          <textarea
            id="f-body"
            name="body"
            rows={14}
            spellcheck={false}
            class="code-input"
            required
            aria-invalid={bodyError ? "true" : undefined}
            aria-describedby={bodyError ? "f-body-error" : "f-body-help"}
          >
            {values.body}
          </textarea>
          {bodyError ? (
            <small id="f-body-error" class="field-error" role="alert">
              {bodyError}
            </small>
          ) : (
            <small id="f-body-help">Paste what a client of the source format sends, or load an example.</small>
          )}
        </label>
        <FormMessage error={errors?._form} />
        <div class="button-row">
          <button type="submit">Translate</button>
          <button
            type="button"
            class="secondary outline"
            {...hx({ get: "/dashboard/partials/translator/example", include: "closest form", target: "#playground", swap: "outerHTML" })}
          >
            Load example for the source format
          </button>
        </div>
      </form>
      {props.result ? <TranslationView t={props.result} /> : null}
    </div>
  );
}

export function isFormatId(value: string | undefined): value is FormatId {
  return (FORMAT_IDS as string[]).includes(value ?? "");
}
