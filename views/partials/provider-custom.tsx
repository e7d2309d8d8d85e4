// Custom provider nodes (create, delete) and custom models per provider (add, remove).
/** @jsxImportSource hono/jsx */
import type { ProviderModelRow } from "../../src/db/queries/provider-models.ts";
import { MODEL_TYPES } from "../../src/providers/model-service.ts";
import type { NodeView } from "../../src/providers/node-service.ts";
import { hx } from "../components/attrs.ts";
import { FromConfigFile } from "../components/config-origin.tsx";
import { FormMessage, type FieldErrors } from "../components/form.tsx";
import { ScopedField, ScopedSelect, domId } from "./scoped-field.tsx";

type Values = Record<string, string | undefined>;
/** A custom model as the page shows it: marked when the configuration file declared it. */
export type CustomModelRow = ProviderModelRow & { fromConfigFile?: boolean };

export const API_TYPE_LABELS: Record<NodeView["apiType"], string> = {
  openai: "OpenAI Chat Completions (compatible)",
  anthropic: "Anthropic Messages",
  responses: "OpenAI Responses",
  gemini: "Google Gemini",
};

export function NodeForm(props: { errors?: FieldErrors; values?: Values; ok?: string }) {
  const { errors, values: v } = props;
  const scope = "node";
  const headersId = domId(scope, "headers");
  return (
    <form id="node-form" {...hx({ post: "/dashboard/partials/provider-nodes", target: "#node-form", swap: "outerHTML" })}>
      <div class="grid">
        <ScopedField scope={scope} name="name" label="Name" value={v?.name} placeholder="My vLLM" required errors={errors} />
        <ScopedField
          scope={scope}
          name="prefix"
          label="Prefix"
          value={v?.prefix}
          placeholder="myllm"
          required
          errors={errors}
          help="Model names become prefix/model."
        />
      </div>
      <div class="grid">
        <ScopedSelect
          scope={scope}
          name="apiType"
          label="Speaks"
          value={v?.apiType ?? "openai"}
          errors={errors}
          options={Object.entries(API_TYPE_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <ScopedField
          scope={scope}
          name="baseUrl"
          label="Base URL"
          type="url"
          value={v?.baseUrl}
          placeholder="http://localhost:8000/v1"
          required
          errors={errors}
          help="As the format's official SDK takes it."
        />
      </div>
      <label for={headersId}>
        Extra headers (optional)
        <textarea
          id={headersId}
          name="headers"
          rows={2}
          placeholder="X-Team: research"
          aria-invalid={errors?.headers ? "true" : undefined}
          aria-describedby={errors?.headers ? `${headersId}-error` : `${headersId}-help`}
        >
          {v?.headers ?? ""}
        </textarea>
        {errors?.headers ? (
          <small id={`${headersId}-error`} class="field-error">
            {errors.headers}
          </small>
        ) : (
          <small id={`${headersId}-help`}>One "Name: value" per line, sent with every call.</small>
        )}
      </label>
      <FormMessage error={errors?._form} ok={props.ok} />
      <button type="submit">Add provider</button>
    </form>
  );
}

/** What a custom node is, with its Delete button (refused while it still has accounts). */
export function NodeFacts({ node }: { node: NodeView & { fromConfigFile?: boolean } }) {
  const msg = domId("node-msg", node.prefix);
  return (
    <div class="node-facts">
      <p>
        {node.fromConfigFile ? (
          <>
            <FromConfigFile />{" "}
          </>
        ) : null}
        Speaks {API_TYPE_LABELS[node.apiType]} at <code>{node.baseUrl}</code>. Any model name passes through.{" "}
        <button
          type="button"
          class="small secondary outline danger"
          aria-label={`Delete provider ${node.name}`}
          {...hx({
            delete: `/dashboard/partials/provider-nodes/${node.id}`,
            target: "#custom-providers",
            swap: "outerHTML",
            confirm: `Delete the custom provider "${node.name}" and its models?`,
            status: { "4xx": `target:#${msg} swap:innerHTML` },
          })}
        >
          Delete provider
        </button>
      </p>
      <div id={msg} role="status" aria-live="polite"></div>
    </div>
  );
}

export function ModelCount(props: { providerId: string; count: number; oob?: boolean }) {
  return (
    <span id={domId("model-count", props.providerId)} {...(props.oob ? { "hx-swap-oob": "true" } : {})}>
      {props.count} model{props.count === 1 ? "" : "s"}
    </span>
  );
}

/** The provider's custom models and the form that adds one; every action re-renders this block. */
export function CustomModels(props: {
  providerId: string;
  alias: string;
  models: CustomModelRow[];
  errors?: FieldErrors;
  values?: Values;
  ok?: string;
}) {
  const { providerId, alias, errors, values: v } = props;
  const id = domId("models", providerId);
  const scope = domId("model", providerId);
  const base = `/dashboard/partials/providers/${encodeURIComponent(providerId)}/models`;
  return (
    <div id={id} class="custom-models">
      {props.models.length ? (
        <div class="table-wrap">
          <table>
            <caption class="muted">Custom models</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.models.map((m) => (
                <tr>
                  <td>
                    <code>
                      {alias}/{m.modelId}
                    </code>
                    {m.fromConfigFile ? (
                      <>
                        {" "}
                        <FromConfigFile />
                      </>
                    ) : null}
                  </td>
                  <td>{m.modelName}</td>
                  <td>{m.type}</td>
                  <td>
                    <button
                      type="button"
                      class="small secondary outline"
                      aria-label={`Remove model ${m.modelId}`}
                      {...hx({
                        delete: `${base}?model=${encodeURIComponent(m.modelId)}`,
                        target: `#${id}`,
                        swap: "outerHTML",
                        confirm: `Remove the model "${m.modelId}"?`,
                      })}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <form {...hx({ post: base, target: `#${id}`, swap: "outerHTML" })}>
        <div class="grid">
          <ScopedField
            scope={scope}
            name="modelId"
            label="Model id"
            value={v?.modelId}
            placeholder="gpt-4.5-preview"
            required
            errors={errors}
          />
          <ScopedField scope={scope} name="modelName" label="Display name (optional)" value={v?.modelName} errors={errors} />
          <ScopedSelect
            scope={scope}
            name="type"
            label="Type"
            value={v?.type ?? "chat"}
            errors={errors}
            options={MODEL_TYPES.map((t) => ({ value: t, label: t }))}
          />
        </div>
        <FormMessage error={errors?._form ?? errors?.provider} ok={props.ok} />
        <button type="submit" class="small">
          Add model
        </button>
      </form>
    </div>
  );
}
