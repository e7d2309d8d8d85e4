// Settings > Resilience: provider profiles and default limits, read-only until Edit; Save or Cancel swap the fragment back.
/** @jsxImportSource hono/jsx */
import type { Limits, Profile, ResilienceConfig } from "../../src/accounts/profiles.ts";
import { LIMIT_FIELDS, PROFILE_FIELDS } from "../../src/dashboard/settings-forms.ts";
import { hx } from "../components/attrs.ts";
import { Field, FormMessage, type FieldErrors } from "../components/form.tsx";
import { duration } from "./settings-form.tsx";

/** What each field does (read-only view), its unit in the edit form, and a short table heading. */
const PROFILE_LABELS: Record<keyof Profile, string> = {
  failureThreshold: "Failures that open a provider's breaker",
  breakerCooldownMs: "Breaker stays open for",
  backoffBaseMs: "First cooldown of a failing account",
  backoffCapMs: "Longest account cooldown",
  timeoutMs: "Wait for response headers",
  streamIdleMs: "Give up an answer silent for",
  rateLimitStrikes: "Rate-limit detection: 429s in a row that cool an account (1 = most sensitive)",
};
const PROFILE_SHORT: Record<keyof Profile, string> = {
  failureThreshold: "Failures",
  breakerCooldownMs: "Breaker open (ms)",
  backoffBaseMs: "First cooldown (ms)",
  backoffCapMs: "Max cooldown (ms)",
  timeoutMs: "Timeout (ms)",
  streamIdleMs: "Idle (ms)",
  rateLimitStrikes: "429 strikes",
};
const LIMIT_LABELS: Record<keyof Limits, string> = {
  rpm: "Requests per minute per account",
  minIntervalMs: "Minimum gap between requests",
  maxConcurrent: "Concurrent requests per account",
};
const unit = (field: string, zero?: string) =>
  field.endsWith("Ms") ? ` (ms${zero ? `, 0 = ${zero}` : ""})` : zero ? ` (0 = ${zero})` : "";
const editLabel = (labels: Record<string, string>, field: string, zero?: string) => `${labels[field]}${unit(field, zero)}`;
const H3 = "font-size:1.05rem";

const PARTIAL = "/dashboard/partials/settings/resilience";

function show(field: string, value: number): string {
  if (field.endsWith("Ms")) return value === 0 ? "none" : duration(value);
  return value === 0 && field !== "failureThreshold" ? "no limit" : String(value);
}

export function ResilienceView(p: { r: ResilienceConfig; ok?: string }) {
  const overrides = Object.entries(p.r.providers);
  return (
    <div id="resilience">
      <div class="grid">
        <section>
          <h3 style={H3}>Provider profile (defaults)</h3>
          <dl>
            {PROFILE_FIELDS.map((f) => (
              <>
                <dt>{PROFILE_LABELS[f]}</dt>
                <dd>{show(f, p.r.defaults[f])}</dd>
              </>
            ))}
          </dl>
        </section>
        <section>
          <h3 style={H3}>Default limits per account</h3>
          <dl>
            {LIMIT_FIELDS.map((f) => (
              <>
                <dt>{LIMIT_LABELS[f]}</dt>
                <dd>{show(f, p.r.limits[f])}</dd>
              </>
            ))}
          </dl>
        </section>
      </div>
      <h3 style={H3}>Per-provider overrides</h3>
      {overrides.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                {PROFILE_FIELDS.map((f) => (
                  <th scope="col" title={PROFILE_LABELS[f]}>
                    {PROFILE_SHORT[f].replace(" (ms)", "")}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {overrides.map(([id, o]) => (
                <tr>
                  <th scope="row">{id}</th>
                  {PROFILE_FIELDS.map((f) => (
                    <td>{o[f] === undefined ? <span class="muted">default</span> : show(f, o[f])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">None: every provider uses the defaults.</p>
      )}
      <FormMessage ok={p.ok} />
      <button type="button" {...hx({ get: `${PARTIAL}/edit`, target: "#resilience", swap: "outerHTML" })}>
        Edit
      </button>
    </div>
  );
}

/** One provider's override row in the edit form: blank cells inherit the default. */
export function OverrideRow(p: { id: string; values?: Record<string, string>; errors?: FieldErrors }) {
  return (
    <tr>
      <th scope="row">
        {p.id}
        <input type="hidden" name="override" value={p.id} />
      </th>
      {PROFILE_FIELDS.map((f) => {
        const name = `providers.${p.id}.${f}`;
        const error = p.errors?.[name];
        return (
          <td>
            <input
              name={name}
              type="number"
              min={0}
              step="1"
              value={p.values?.[name]}
              placeholder="default"
              style="min-width:7rem"
              aria-label={`${p.id}: ${editLabel(PROFILE_LABELS, f)}`}
              aria-invalid={error ? "true" : undefined}
            />
            {error ? <small class="field-error">{error}</small> : null}
          </td>
        );
      })}
      <td>
        <input type="checkbox" name={`providers.${p.id}.remove`} value="1" aria-label={`Remove the ${p.id} override`} />
      </td>
    </tr>
  );
}

/** The providers that have no override row yet; re-sent out of band after each added row. */
export function AddOverrideSelect(p: { providers: Array<{ id: string; name: string }>; exclude: string[]; oob?: boolean }) {
  return (
    <select id="f-add-override" name="addOverride" {...(p.oob ? { "hx-swap-oob": "true" } : {})}>
      {p.providers
        .filter((x) => !p.exclude.includes(x.id))
        .map((x) => (
          <option value={x.id}>
            {x.name} ({x.id})
          </option>
        ))}
    </select>
  );
}

/** Current values as the edit form's strings, keyed by input name. */
export function resilienceValues(r: ResilienceConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of PROFILE_FIELDS) out[`defaults.${f}`] = String(r.defaults[f]);
  for (const f of LIMIT_FIELDS) out[`limits.${f}`] = String(r.limits[f]);
  for (const [id, o] of Object.entries(r.providers))
    for (const f of PROFILE_FIELDS) if (o[f] !== undefined) out[`providers.${id}.${f}`] = String(o[f]);
  return out;
}

export function ResilienceEditForm(p: {
  values: Record<string, string>;
  overrideIds: string[];
  providers: Array<{ id: string; name: string }>;
  errors?: FieldErrors;
}) {
  return (
    <form id="resilience" {...hx({ patch: PARTIAL, target: "#resilience", swap: "outerHTML" })}>
      <div class="grid">
        <fieldset style="min-width:0">
          <legend>Provider profile (defaults)</legend>
          {PROFILE_FIELDS.map((f) => (
            <Field
              name={`defaults.${f}`}
              label={editLabel(PROFILE_LABELS, f)}
              type="number"
              min={0}
              step="1"
              value={p.values[`defaults.${f}`]}
              errors={p.errors}
              required
            />
          ))}
        </fieldset>
        <fieldset style="min-width:0">
          <legend>Default limits per account</legend>
          {LIMIT_FIELDS.map((f) => (
            <Field
              name={`limits.${f}`}
              label={editLabel(LIMIT_LABELS, f, f === "minIntervalMs" ? "none" : "no limit")}
              type="number"
              min={0}
              step="1"
              value={p.values[`limits.${f}`]}
              errors={p.errors}
              required
            />
          ))}
        </fieldset>
      </div>
      <fieldset style="min-width:0">
        <legend>Per-provider overrides (blank = default)</legend>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                {PROFILE_FIELDS.map((f) => (
                  <th scope="col" title={PROFILE_LABELS[f]}>
                    {PROFILE_SHORT[f]}
                  </th>
                ))}
                <th scope="col">Remove</th>
              </tr>
            </thead>
            <tbody id="override-rows">
              {p.overrideIds.map((id) => (
                <OverrideRow id={id} values={p.values} errors={p.errors} />
              ))}
            </tbody>
          </table>
        </div>
        <div class="grid">
          <label for="f-add-override">
            Add an override for
            <AddOverrideSelect providers={p.providers} exclude={p.overrideIds} />
          </label>
          <div>
            <button
              type="button"
              class="secondary"
              {...hx({ get: `${PARTIAL}/override-row`, include: "closest form", target: "#override-rows", swap: "beforeend" })}
            >
              Add override
            </button>
          </div>
        </div>
      </fieldset>
      <FormMessage error={p.errors?._form} />
      <div class="grid">
        <button type="submit">Save</button>
        <button type="button" class="secondary" {...hx({ get: PARTIAL, target: "#resilience", swap: "outerHTML" })}>
          Cancel
        </button>
      </div>
    </form>
  );
}
