// Combos: the list with Test/Edit/Delete, the create/edit form with an ordered model list (Alpine), and the test result.
/** @jsxImportSource hono/jsx */
import type { ComboTestResult } from "../../src/gateway/combo-test.ts";
import type { ComboView } from "../../src/routing/combo-service.ts";
import { COMBO_STRATEGIES } from "../../src/settings/schema.ts";
import { bind, hx, on } from "../components/attrs.ts";
import { Badge } from "../components/card.tsx";
import { ConfigFileWins, FromConfigFile } from "../components/config-origin.tsx";
import { FormMessage, type FieldErrors } from "../components/form.tsx";
import { ScopedField, ScopedSelect } from "./scoped-field.tsx";

type Strategy = (typeof COMBO_STRATEGIES)[number];

export const STRATEGY_LABELS: Record<Strategy, string> = {
  priority: "Priority: in order, next on failure",
  "round-robin": "Round-robin: take turns",
  random: "Random order",
  weighted: "Weighted random (by weight)",
  "least-used": "Least used recently first",
  "cost-optimized": "Cheapest first",
};

export interface ComboFormValues {
  name: string;
  strategy: Strategy;
  /** In order; `error` is the message for that model (unknown name, bad weight). */
  items: Array<{ model: string; weight: number | string; error?: string }>;
}

export const MODEL_OPTIONS_ID = "combo-model-options";

/** A combo as the page lists it: marked when the configuration file declared it. */
export type ComboRow = ComboView & { fromConfigFile?: boolean };

export function ComboList(props: { combos: ComboRow[]; oob?: boolean }) {
  return (
    <div id="combo-list" {...(props.oob ? { "hx-swap-oob": "true" } : {})}>
      {props.combos.length ? (
        <ul class="combos">
          {props.combos.map((combo) => (
            <li id={`combo-${combo.id}`}>
              <p class="combo-head">
                <code class="combo-name">{combo.name}</code> <Badge kind="ok">{combo.strategy}</Badge>
                {combo.fromConfigFile ? (
                  <>
                    {" "}
                    <FromConfigFile />
                  </>
                ) : null}
              </p>
              <ol class="combo-members">
                {combo.models.map((m) => (
                  <li>
                    <code>{m.model}</code>
                    {combo.strategy === "weighted" ? <small class="muted"> weight {m.weight}</small> : null}
                  </li>
                ))}
              </ol>
              <div class="actions">
                <button
                  type="button"
                  class="small"
                  aria-label={`Test combo ${combo.name}`}
                  {...hx({ post: `/dashboard/partials/combos/${combo.id}/test`, target: `#combo-test-${combo.id}`, swap: "innerHTML" })}
                >
                  Test{" "}
                  <span class="spinner" aria-hidden="true">
                    …
                  </span>
                </button>
                <button
                  type="button"
                  class="small secondary outline"
                  aria-label={`Edit combo ${combo.name}`}
                  {...hx({ get: `/dashboard/partials/combos/${combo.id}/edit`, target: "#combo-form", swap: "outerHTML show:top" })}
                >
                  Edit
                </button>
                <button
                  type="button"
                  class="small secondary outline danger"
                  aria-label={`Delete combo ${combo.name}`}
                  {...hx({
                    delete: `/dashboard/partials/combos/${combo.id}`,
                    target: "#combo-list",
                    swap: "outerHTML",
                    confirm: `Delete the combo "${combo.name}"? Clients calling it will get "model not found".`,
                  })}
                >
                  Delete
                </button>
              </div>
              <div id={`combo-test-${combo.id}`} class="test-result" role="status" aria-live="polite"></div>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No combo yet. Create one below: a name your tools call, and the models behind it in order.</p>
      )}
    </div>
  );
}

export function ComboTestOutcome({ result }: { result: ComboTestResult }) {
  const retries = result.fallbackAttempts ?? 0;
  if (result.ok) {
    return (
      <div>
        <p>
          <Badge kind="ok">OK</Badge> Answered by <code>{result.model}</code> (provider <code>{result.provider}</code>) in{" "}
          {result.latencyMs} ms,{" "}
          {retries ? (
            <strong>
              after {retries} failed attempt{retries === 1 ? "" : "s"}
            </strong>
          ) : (
            "first try"
          )}
          .
        </p>
        <blockquote class="answer">{result.text || <span class="muted">(no text in the answer)</span>}</blockquote>
      </div>
    );
  }
  return (
    <div>
      <p>
        <Badge kind="bad">failed</Badge> after {result.latencyMs} ms
        {result.model ? (
          <>
            {" "}
            at <code>{result.model}</code>
          </>
        ) : null}
      </p>
      <pre class="test-error">{result.error ?? "Unknown error"}</pre>
    </div>
  );
}

/** Alpine state for the ordered list: the server renders it as JSON; moving keeps focus on the moved row. */
const EDITOR_METHODS = [
  "add() { const m = this.pick.trim(); if (!m) return; this.items.push({ id: this.next++, model: m, weight: 1, error: '' }); this.pick = ''; }",
  "remove(i) { this.items.splice(i, 1); this.$nextTick(() => this.$refs.pick.focus()); }",
  "move(i, d) { const j = i + d; if (j < 0 || j >= this.items.length) return; const [x] = this.items.splice(i, 1); this.items.splice(j, 0, x);" +
    " this.$nextTick(() => { const q = (dir) => this.$root.querySelector('[data-move=' + dir + '-' + j + ']'); const b = q(d < 0 ? 'up' : 'down');" +
    " (b && !b.disabled ? b : q(d < 0 ? 'down' : 'up'))?.focus(); }); }",
].join(", ");

function editorState(v: ComboFormValues): string {
  const items = v.items.map((item, i) => ({ id: i + 1, model: item.model, weight: item.weight, error: item.error ?? "" }));
  return `{ strategy: ${JSON.stringify(v.strategy)}, items: ${JSON.stringify(items)}, next: ${items.length + 1}, pick: '', ${EDITOR_METHODS} }`;
}

/** After a swap, focus goes to the first invalid field, or to the name when an edit just opened. */
const FOCUS_ON_SWAP =
  "$nextTick(() => ($el.querySelector('[aria-invalid=true]') ?? ($el.dataset.autofocus ? $el.querySelector('#combo-name') : null))?.focus())";

export function ComboForm(props: {
  editing?: { id: string; name: string; fromConfigFile?: boolean };
  values?: ComboFormValues;
  errors?: FieldErrors;
  ok?: string;
  defaultStrategy: Strategy;
  autofocus?: boolean;
}) {
  const { editing, errors } = props;
  const v: ComboFormValues = props.values ?? { name: "", strategy: props.defaultStrategy, items: [] };
  const action = editing ? { put: `/dashboard/partials/combos/${editing.id}` } : { post: "/dashboard/partials/combos" };
  return (
    <form
      id="combo-form"
      x-data={editorState(v)}
      x-init={FOCUS_ON_SWAP}
      data-autofocus={props.autofocus ? "true" : undefined}
      {...hx({ ...action, target: "#combo-form", swap: "outerHTML" })}
    >
      <h2 id="combo-form-title">
        {editing ? (
          <>
            Edit combo <code>{editing.name}</code>
          </>
        ) : (
          "New combo"
        )}
      </h2>
      {editing?.fromConfigFile ? <ConfigFileWins /> : null}
      <div class="grid">
        <ScopedField
          scope="combo"
          name="name"
          label="Name (the model name your tools call)"
          value={v.name}
          placeholder="premium-coding"
          required
          errors={errors}
        />
        <ScopedSelect
          scope="combo"
          name="strategy"
          label="Strategy"
          value={v.strategy}
          errors={errors}
          attrs={{ "x-model": "strategy" }}
          options={COMBO_STRATEGIES.map((s) => ({ value: s, label: STRATEGY_LABELS[s] }))}
        />
      </div>
      <fieldset aria-describedby={errors?.models ? "combo-models-error" : undefined}>
        <legend>Models, in order</legend>
        <p class="muted" x-show="!items.length">
          <small>No model yet: add at least one.</small>
        </p>
        <ol class="combo-editor">
          <template x-for="(item, i) in items" {...bind("key", "item.id")}>
            <li>
              <input type="hidden" name="models" {...bind("value", "item.model")} />
              <span class="pos" x-text="(i + 1) + '.'"></span>
              <code class="model" x-text="item.model"></code>
              <label class="weight" x-show="strategy === 'weighted'">
                Weight
                <input
                  type="number"
                  name="weight"
                  min="0"
                  step="any"
                  {...{ "x-model.number": "item.weight" }}
                  {...bind("disabled", "strategy !== 'weighted'")}
                  {...bind("aria-label", "'Weight of ' + item.model")}
                />
              </label>
              <span class="row-actions">
                <button
                  type="button"
                  class="small secondary outline"
                  {...bind("data-move", "'up-' + i")}
                  {...bind("disabled", "i === 0")}
                  {...on("click", "move(i, -1)")}
                  {...bind("aria-label", "'Move ' + item.model + ' up'")}
                >
                  ↑
                </button>
                <button
                  type="button"
                  class="small secondary outline"
                  {...bind("data-move", "'down-' + i")}
                  {...bind("disabled", "i === items.length - 1")}
                  {...on("click", "move(i, 1)")}
                  {...bind("aria-label", "'Move ' + item.model + ' down'")}
                >
                  ↓
                </button>
                <button
                  type="button"
                  class="small secondary outline danger"
                  {...on("click", "remove(i)")}
                  {...bind("aria-label", "'Remove ' + item.model")}
                >
                  ✕
                </button>
              </span>
              <small class="field-error" x-show="item.error" x-text="item.error"></small>
            </li>
          </template>
        </ol>
        {errors?.models ? (
          <small id="combo-models-error" class="field-error" role="alert">
            {errors.models}
          </small>
        ) : null}
        <label for="combo-pick">Add a model</label>
        <div class="pick">
          <input
            id="combo-pick"
            type="text"
            list={MODEL_OPTIONS_ID}
            placeholder="ds/deepseek-chat, a combo, or any prefix/model"
            autocomplete="off"
            x-model="pick"
            x-ref="pick"
            {...on("keydown.enter.prevent", "add()")}
          />
          <button type="button" class="secondary" {...on("click", "add()")}>
            Add
          </button>
        </div>
      </fieldset>
      <FormMessage error={errors?._form} ok={props.ok} />
      <div class="actions">
        <button type="submit">{editing ? "Save combo" : "Create combo"}</button>
        {editing ? (
          <button
            type="button"
            class="secondary outline"
            {...hx({ get: "/dashboard/partials/combos/new", target: "#combo-form", swap: "outerHTML" })}
          >
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** The model picker's suggestions: what the user can call now (loaded after the page, as it may ask custom nodes). */
export function ModelOptions(props: { models: Array<{ id: string; owner: string }> }) {
  return (
    <datalist id={MODEL_OPTIONS_ID}>
      {props.models.map((m) => (
        <option value={m.id}>{m.owner === "combo" ? "combo" : m.owner}</option>
      ))}
    </datalist>
  );
}
