// The Translator's Chat tester: a live message through the gateway, with the request and the answer at every step.
/** @jsxImportSource hono/jsx */
import type { ChatTestResult } from "../../src/dashboard/translator-chat.ts";
import { FORMAT_LABELS } from "../../src/dashboard/translator-examples.ts";
import type { ModelEntry } from "../../src/gateway/models.ts";
import { hx } from "../components/attrs.ts";
import { Badge } from "../components/card.tsx";
import { Field, FormMessage, Select, type FieldErrors } from "../components/form.tsx";
import { FORMAT_OPTIONS, JsonBlock } from "./translator-playground.tsx";

export interface ChatValues {
  model?: string;
  format?: string;
  system?: string;
  message?: string;
}

/** The model suggestions, loaded when the tab is first shown (custom nodes are asked for their models). */
export function ModelSuggestions({ models }: { models: ModelEntry[] }) {
  return (
    <>
      <small id="chat-models-help">
        {models.length
          ? `Pick one of ${models.length} models (or combos) you can call, or type any name the router resolves.`
          : "No provider is connected yet: add one on the Providers page, or type a model name."}
      </small>
      <datalist id="chat-models">
        {models.map((m) => (
          <option value={m.id}>{m.owned_by}</option>
        ))}
      </datalist>
    </>
  );
}

export function ChatForm(props: { values?: ChatValues; errors?: FieldErrors }) {
  const v = props.values ?? {};
  const modelError = props.errors?.model;
  const messageError = props.errors?.message;
  return (
    <form id="chat-form" {...hx({ post: "/dashboard/partials/translator/chat", target: "#chat-tester", swap: "outerHTML" })}>
      <div class="grid">
        <label for="f-chat-model">
          Model
          <input
            id="f-chat-model"
            name="model"
            list="chat-models"
            value={v.model}
            required
            autocomplete="off"
            placeholder="ds/deepseek-chat"
            aria-invalid={modelError ? "true" : undefined}
            aria-describedby={modelError ? "f-chat-model-error" : "chat-models-help"}
          />
          {modelError ? (
            <small id="f-chat-model-error" class="field-error">
              {modelError}
            </small>
          ) : null}
          <small
            id="chat-models-help"
            {...hx({ get: "/dashboard/partials/translator/models", trigger: "intersect once", swap: "outerHTML" })}
          >
            Loading the model list…
          </small>
        </label>
        <Select name="format" label="Client format" options={FORMAT_OPTIONS} value={v.format ?? "openai-chat"} errors={props.errors} />
      </div>
      <Field name="system" label="System prompt (optional)" value={v.system} errors={props.errors} />
      <label for="f-chat-message">
        Message
        <textarea
          id="f-chat-message"
          name="message"
          rows={3}
          required
          aria-invalid={messageError ? "true" : undefined}
          aria-describedby={messageError ? "f-chat-message-error" : undefined}
        >
          {v.message ?? "Say hello in five words."}
        </textarea>
        {messageError ? (
          <small id="f-chat-message-error" class="field-error">
            {messageError}
          </small>
        ) : null}
      </label>
      <FormMessage error={props.errors?._form} />
      <button type="submit">
        Send through the gateway{" "}
        <span class="spinner" aria-hidden="true">
          …
        </span>
      </button>
    </form>
  );
}

function HeaderTable({ headers }: { headers: Array<[string, string]> }) {
  if (!headers.length) return <p class="muted">No x-omniroute-* headers (the gateway answered before choosing a provider).</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Header</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {headers.map(([k, v]) => (
            <tr>
              <td>
                <code>{k}</code>
              </td>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ChatResult({ r }: { r: ChatTestResult }) {
  const ok = r.response.status < 400;
  return (
    <section id="chat-result" aria-labelledby="chat-result-title">
      <h3 id="chat-result-title">
        <Badge kind={ok ? "ok" : "bad"}>{String(r.response.status)}</Badge> Request <code>{r.requestId}</code>
      </h3>
      <h4>1 · Client request ({FORMAT_LABELS[r.format]})</h4>
      <p>
        <code>POST {r.client.path}</code>
      </p>
      <JsonBlock id="chat-client-body" label="What the client sent" value={r.client.body} />

      <h4>2 · Upstream request{r.upstream.length > 1 ? `s (${r.upstream.length} attempts)` : ""}</h4>
      <p class="muted">Captured from the pipeline as it was sent, body and URL; the credential headers are not shown.</p>
      {r.upstream.length === 0 ? <p>No upstream was called: the gateway answered by itself (see the response below).</p> : null}
      {r.upstream.map((u, i) => (
        <>
          <p>
            {r.upstream.length > 1 ? <strong>Attempt {i + 1}: </strong> : null}
            provider <strong>{u.provider}</strong>, account <strong>{u.account}</strong>, model <code>{u.model}</code> —{" "}
            <code>POST {u.url}</code>
          </p>
          <JsonBlock id={`chat-upstream-body-${i}`} label="What the upstream received" value={u.body} />
        </>
      ))}

      <h4>3 · Client response</h4>
      <p class="muted">
        The upstream's own answer is not kept: this is what the client received, after translation back into its format. The headers say who
        served it.
      </p>
      <p>
        Status <Badge kind={ok ? "ok" : "bad"}>{String(r.response.status)}</Badge>
      </p>
      <HeaderTable headers={r.response.headers} />
      <JsonBlock id="chat-response-body" label="What the client received" value={r.response.body} />
    </section>
  );
}

export function ChatTester(props: { values?: ChatValues; errors?: FieldErrors; result?: ChatTestResult }) {
  return (
    <div id="chat-tester">
      <ChatForm values={props.values} errors={props.errors} />
      {props.result ? <ChatResult r={props.result} /> : null}
    </div>
  );
}
