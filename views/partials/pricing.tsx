// Costs > Pricing: USD per 1M tokens per provider and model, filterable, each row editable inline (htmx PUT) or restorable.
/** @jsxImportSource hono/jsx */
import type { ModelPrice } from "../../src/usage/pricing-defaults.ts";
import { hx } from "../components/attrs.ts";
import { Badge } from "../components/card.tsx";
import type { FieldErrors } from "../components/form.tsx";

export type Billing = "metered" | "flat-rate" | "free" | "unknown";

export interface PriceLine {
  provider: string;
  model: string;
  price: ModelPrice;
  /** The user's own price, over (or instead of) the default. */
  custom: boolean;
  /** A default exists to go back to. */
  hasDefault: boolean;
}

export interface ProviderPrices {
  provider: string;
  billing: Billing;
  lines: PriceLine[];
}

export const PRICE_FIELDS = [
  { name: "input", label: "Input", absent: "required" },
  { name: "output", label: "Output", absent: "required" },
  { name: "cached", label: "Cached", absent: "= input" },
  { name: "cacheWrite", label: "Cache write", absent: "= input" },
  { name: "reasoning", label: "Reasoning", absent: "= output" },
] as const;

export type PriceField = (typeof PRICE_FIELDS)[number]["name"];

const BILLING_KIND: Record<Billing, string> = { metered: "", "flat-rate": "warn", free: "ok", unknown: "" };

function money(n: number): string {
  return `$${Number(n.toFixed(4))}`;
}

/** A stable, id-safe token for one provider/model pair (model names hold "/", ":" and "."). */
function rowId(provider: string, model: string): string {
  return `price-${Bun.hash(`${provider}\u0000${model}`).toString(36)}`;
}

function rowQuery(provider: string, model: string): string {
  return `provider=${encodeURIComponent(provider)}&model=${encodeURIComponent(model)}`;
}

export function PriceRow({ line }: { line: PriceLine }) {
  const q = rowQuery(line.provider, line.model);
  return (
    <tr id={rowId(line.provider, line.model)}>
      <th scope="row" class="wrap">
        {line.model}
        {line.custom ? (
          <>
            {" "}
            <Badge kind="warn">custom</Badge>
          </>
        ) : null}
      </th>
      {PRICE_FIELDS.map((f) => {
        const v = line.price[f.name];
        return (
          <td>
            {v === undefined ? (
              <span class="muted" title={`${f.absent} price`}>
                —
              </span>
            ) : (
              money(v)
            )}
          </td>
        );
      })}
      <td>
        <div class="button-row">
          <button
            id={`${rowId(line.provider, line.model)}-action`}
            type="button"
            class="small secondary outline"
            aria-label={`Edit the price of ${line.model} at ${line.provider}`}
            {...hx({ get: `/dashboard/partials/costs/pricing/row?${q}&edit=1`, target: "closest tr", swap: "outerHTML" })}
          >
            Edit
          </button>
          {line.custom ? (
            <button
              type="button"
              class="small secondary outline"
              aria-label={`${line.hasDefault ? "Restore default price of" : "Remove the price of"} ${line.model} at ${line.provider}`}
              {...hx({
                delete: `/dashboard/partials/costs/pricing?${q}`,
                target: "closest tr",
                swap: "outerHTML",
                confirm: line.hasDefault ? `Restore the default price of ${line.model}?` : `Remove the price of ${line.model}?`,
              })}
            >
              {line.hasDefault ? "Restore default" : "Remove"}
            </button>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

/** The row as a form: one labelled number input per price; Save sends the row's inputs (hx-include). */
export function PriceEditRow(props: { line: PriceLine; values?: Partial<Record<PriceField, string>>; errors?: FieldErrors }) {
  const { line, errors = {} } = props;
  const id = rowId(line.provider, line.model);
  const q = rowQuery(line.provider, line.model);
  const focus = PRICE_FIELDS.find((f) => errors[f.name])?.name ?? (errors._form ? undefined : "input");
  return (
    <tr id={id} class="editing">
      <th scope="row" class="wrap">
        {line.model}
        <input type="hidden" name="provider" value={line.provider} />
        <input type="hidden" name="model" value={line.model} />
        {errors._form ? (
          <small class="field-error" role="alert">
            {errors._form}
          </small>
        ) : null}
      </th>
      {PRICE_FIELDS.map((f) => {
        const fid = `${id}-${f.name}`;
        const value = props.values?.[f.name] ?? (line.price[f.name] === undefined ? "" : String(line.price[f.name]));
        const error = errors[f.name];
        return (
          <td>
            <label for={fid} class="visually-hidden">{`${f.label} USD per 1M tokens for ${line.model}`}</label>
            <input
              id={fid}
              name={f.name}
              type="number"
              inputmode="decimal"
              step="any"
              min="0"
              value={value}
              placeholder={f.absent === "required" ? "" : f.absent}
              autofocus={f.name === focus}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? `${fid}-error` : undefined}
            />
            {error ? (
              <small id={`${fid}-error`} class="field-error">
                {error}
              </small>
            ) : null}
          </td>
        );
      })}
      <td>
        <div class="button-row">
          <button
            id={`${id}-action`}
            type="button"
            class="small"
            {...hx({ put: "/dashboard/partials/costs/pricing", include: "closest tr", target: "closest tr", swap: "outerHTML" })}
          >
            Save
          </button>
          <button
            type="button"
            class="small secondary outline"
            {...hx({ get: `/dashboard/partials/costs/pricing/row?${q}`, target: "closest tr", swap: "outerHTML" })}
          >
            Cancel
          </button>
        </div>
      </td>
    </tr>
  );
}

export interface PricingFilterValues {
  provider?: string;
  model?: string;
}

export function PricingTable(props: { groups: ProviderPrices[]; shown: number; total: number }) {
  return (
    <div id="pricing-table" class="table-wrap">
      <table class="compact">
        <caption>
          {props.shown === props.total ? `${props.total} models` : `${props.shown} of ${props.total} models`} · USD per 1M tokens
        </caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            {PRICE_FIELDS.map((f) => (
              <th scope="col">{f.label}</th>
            ))}
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        {props.groups.map((g) => (
          <tbody>
            <tr class="group-row">
              <th scope="rowgroup" colspan={PRICE_FIELDS.length + 2}>
                {g.provider} <Badge kind={BILLING_KIND[g.billing]}>{g.billing}</Badge>
              </th>
            </tr>
            {g.lines.map((line) => (
              <PriceRow line={line} />
            ))}
          </tbody>
        ))}
      </table>
      {props.groups.length ? null : <p>No model matches this filter.</p>}
    </div>
  );
}

export function PricingFilter(props: { providers: string[]; values: PricingFilterValues }) {
  return (
    <form
      id="pricing-filter"
      role="search"
      method="get"
      action="/dashboard/costs"
      {...hx({
        get: "/dashboard/partials/costs/pricing",
        target: "#pricing-table",
        swap: "outerHTML",
        trigger: "submit, input delay:250ms",
      })}
    >
      <input type="hidden" name="tab" value="pricing" />
      <div class="filter-grid">
        <label for="pricing-provider">
          Provider
          <select id="pricing-provider" name="provider">
            <option value="">All providers</option>
            {props.providers.map((p) => (
              <option value={p} selected={p === props.values.provider}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label for="pricing-model">
          Model contains
          <input
            id="pricing-model"
            name="model"
            type="search"
            value={props.values.model ?? ""}
            placeholder="e.g. gpt-4o"
            autocomplete="off"
          />
        </label>
      </div>
      <noscript>
        <button type="submit">Filter</button>
      </noscript>
    </form>
  );
}
