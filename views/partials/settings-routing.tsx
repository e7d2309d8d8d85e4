// Settings > Routing: account strategy (global and per provider), wildcard aliases, fallback chains, combo defaults.
/** @jsxImportSource hono/jsx */
import { COMBO_STRATEGIES, ROUTING_STRATEGIES, type Settings } from "../../src/settings/schema.ts";
import { hx, on } from "../components/attrs.ts";
import { Field, type FieldErrors } from "../components/form.tsx";
import { Choice, SettingsForm, type FormState } from "./settings-form.tsx";

const STRATEGY_LABELS: Record<(typeof ROUTING_STRATEGIES)[number], string> = {
  "fill-first": "Fill first: the highest-priority account until it is unavailable",
  "round-robin": "Round robin: take turns, N requests each",
  p2c: "Power of two choices: the healthier of two random accounts",
  random: "Random",
  "least-used": "Least used: the account used longest ago",
};

const strategyOptions = ROUTING_STRATEGIES.map((s) => ({ value: s, label: STRATEGY_LABELS[s] }));

/** `submitted`: the form as sent, shown again after a 422. */
export function StrategyForm(
  p: FormState & {
    s: Settings;
    providers: Array<{ id: string; name: string }>;
    submitted?: { routingStrategy?: string; sticky?: string; providerStrategies: Record<string, string> };
  },
) {
  return (
    <SettingsForm id="strategy-form" action="/dashboard/partials/settings/strategy" errors={p.errors} ok={p.ok}>
      <div class="grid">
        <Choice
          name="routingStrategy"
          label="Account selection"
          value={p.submitted?.routingStrategy ?? p.s.routingStrategy}
          options={strategyOptions}
          errors={p.errors}
          help="How one provider's accounts share the load."
        />
        <Field
          name="stickyRoundRobinLimit"
          label="Round robin: requests per account before moving on"
          type="number"
          min={1}
          max={1000}
          step="1"
          value={p.submitted ? p.submitted.sticky : p.s.stickyRoundRobinLimit}
          errors={p.errors}
        />
      </div>
      <fieldset>
        <legend>Per-provider strategy</legend>
        {p.providers.length ? (
          <div class="grid-cards">
            {p.providers.map((provider) => (
              <Choice
                name={`providerStrategies.${provider.id}`}
                label={provider.name}
                value={(p.submitted ? p.submitted.providerStrategies : p.s.providerStrategies)[provider.id] ?? ""}
                errors={p.errors}
                options={[{ value: "", label: "Same as above" }, ...ROUTING_STRATEGIES.map((s) => ({ value: s, label: s }))]}
              />
            ))}
          </div>
        ) : (
          <p class="muted">Connect a provider to choose a strategy for its accounts.</p>
        )}
      </fieldset>
    </SettingsForm>
  );
}

/** A remove button for one row of a list form (the row goes; nothing is saved until Save). */
function RemoveRow(props: { label: string }) {
  return (
    <button type="button" class="small secondary outline" aria-label={props.label} {...on("click", "$el.closest('.row-item').remove()")}>
      Remove
    </button>
  );
}

export function AliasRowInputs(p: { rowId: string; pattern?: string; target?: string; errors?: FieldErrors; index?: number }) {
  const e = (f: string) => (p.index === undefined ? undefined : p.errors?.[`wildcardAliases.${p.index}.${f}`]);
  return (
    <div class="grid row-item">
      <label for={`alias-p-${p.rowId}`}>
        Pattern
        <input
          id={`alias-p-${p.rowId}`}
          name="pattern"
          value={p.pattern}
          placeholder="claude-*"
          aria-invalid={e("pattern") ? "true" : undefined}
        />
        {e("pattern") ? <small class="field-error">{e("pattern")}</small> : null}
      </label>
      <label for={`alias-t-${p.rowId}`}>
        Target model
        <input
          id={`alias-t-${p.rowId}`}
          name="target"
          value={p.target}
          placeholder="cc/claude-sonnet-4-5"
          aria-invalid={e("target") ? "true" : undefined}
        />
        {e("target") ? <small class="field-error">{e("target")}</small> : null}
      </label>
      <div>
        <RemoveRow label={`Remove alias ${p.pattern ?? ""}`.trim()} />
      </div>
    </div>
  );
}

export function AliasesForm(p: FormState & { rows: Array<{ pattern: string; target: string }> }) {
  return (
    <SettingsForm id="aliases-form" action="/dashboard/partials/settings/aliases" errors={p.errors} ok={p.ok}>
      <p class="muted">
        A model name matching a pattern (<code>*</code> is any text) is sent to the target instead.
      </p>
      <div id="alias-rows">
        {p.rows.map((r, i) => (
          <AliasRowInputs rowId={`r${i}`} index={i} pattern={r.pattern} target={r.target} errors={p.errors} />
        ))}
      </div>
      <p>
        <button
          type="button"
          class="small secondary"
          {...hx({ get: "/dashboard/partials/settings/alias-row", target: "#alias-rows", swap: "beforeend" })}
        >
          Add alias
        </button>
      </p>
    </SettingsForm>
  );
}

export function ChainRowInputs(p: { rowId: string; name?: string; models?: string[]; errors?: FieldErrors; index?: number }) {
  const e = (f: string) => (p.index === undefined ? undefined : p.errors?.[`fallbackChains.${p.index}.${f}`]);
  return (
    <div class="grid row-item">
      <label for={`chain-n-${p.rowId}`}>
        Chain name
        <input
          id={`chain-n-${p.rowId}`}
          name="chainName"
          value={p.name}
          placeholder="coding"
          aria-invalid={e("name") ? "true" : undefined}
        />
        {e("name") ? <small class="field-error">{e("name")}</small> : null}
      </label>
      <label for={`chain-m-${p.rowId}`}>
        Models in order, one per line
        <textarea
          id={`chain-m-${p.rowId}`}
          name="chainModels"
          rows={3}
          placeholder={"cc/claude-sonnet-4-5\nglm/glm-4.7"}
          aria-invalid={e("models") ? "true" : undefined}
        >
          {(p.models ?? []).join("\n")}
        </textarea>
        {e("models") ? <small class="field-error">{e("models")}</small> : null}
      </label>
      <div>
        <RemoveRow label={`Remove chain ${p.name ?? ""}`.trim()} />
      </div>
    </div>
  );
}

export function ChainsForm(p: FormState & { rows: Array<{ name: string; models: string[] }> }) {
  return (
    <SettingsForm id="chains-form" action="/dashboard/partials/settings/chains" errors={p.errors} ok={p.ok}>
      <p class="muted">
        Asking for a chain by name tries its models in order; a model that is in a chain falls back to the models after it.
      </p>
      <div id="chain-rows">
        {p.rows.map((r, i) => (
          <ChainRowInputs rowId={`r${i}`} index={i} name={r.name} models={r.models} errors={p.errors} />
        ))}
      </div>
      <p>
        <button
          type="button"
          class="small secondary"
          {...hx({ get: "/dashboard/partials/settings/chain-row", target: "#chain-rows", swap: "beforeend" })}
        >
          Add chain
        </button>
      </p>
    </SettingsForm>
  );
}

export function ComboDefaultsForm(p: FormState & { s: Settings }) {
  return (
    <SettingsForm id="combo-defaults-form" action="/dashboard/partials/settings/combo-defaults" errors={p.errors} ok={p.ok}>
      <Choice
        name="comboDefaults.strategy"
        label="Strategy of new combos"
        value={p.s.comboDefaults.strategy}
        errors={p.errors}
        options={COMBO_STRATEGIES.map((s) => ({ value: s, label: s }))}
        help="Combos created without a strategy use this one."
      />
    </SettingsForm>
  );
}
