// Costs > Budgets: every budget with its progress and warning, and the form that sets (or edits) one.
/** @jsxImportSource hono/jsx */
import type { ApiKeyRow } from "../../src/db/queries/api-keys.ts";
import type { BudgetView } from "../../src/usage/budgets.ts";
import { hx } from "../components/attrs.ts";
import { usd } from "../components/card.tsx";
import { Field, FormMessage, Select, type FieldErrors } from "../components/form.tsx";

export const PERIODS = [
  { value: "daily", label: "Daily" },
  { value: "weekly", label: "Weekly" },
  { value: "monthly", label: "Monthly" },
];

/** "2026-06-01 00:00 UTC" */
function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function BudgetStatus({ b }: { b: BudgetView }) {
  if (b.exceeded)
    return (
      <strong class="budget-status bad" title="Requests with this key are refused until the reset">
        ⚠ Exceeded: requests refused
      </strong>
    );
  if (b.warning)
    return (
      <strong class="budget-status warn" title={`Warns at ${Math.round(b.warnAt * 100)}% of the limit`}>
        ⚠ Warning: over {Math.round(b.warnAt * 100)}%
      </strong>
    );
  return <span class="muted">OK</span>;
}

export function BudgetTable(props: { budgets: BudgetView[]; keys: ApiKeyRow[]; message?: { ok?: string; error?: string }; oob?: boolean }) {
  const oob = props.oob ? { "hx-swap-oob": "true" } : {};
  const names = new Map(props.keys.map((k) => [k.id, k.name]));
  return (
    <div id="budget-table" {...oob}>
      <FormMessage ok={props.message?.ok} error={props.message?.error} />
      {props.budgets.length ? (
        <div class="table-wrap">
          <table class="compact">
            <caption class="visually-hidden">Budgets per API key</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Used</th>
                <th scope="col">Status</th>
                <th scope="col">Period</th>
                <th scope="col">Limit</th>
                <th scope="col">Spent</th>
                <th scope="col">Remaining</th>
                <th scope="col">Resets</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.budgets.map((b) => {
                const name = names.get(b.keyId) ?? b.keyId;
                const pct = b.limit > 0 ? Math.round((b.spent / b.limit) * 100) : 0;
                const query = `keyId=${encodeURIComponent(b.keyId)}&period=${b.period}`;
                return (
                  <tr>
                    <th scope="row">{name}</th>
                    <td>
                      <div class="budget-progress">
                        <progress
                          value={Math.min(b.spent, b.limit)}
                          max={b.limit}
                          aria-label={`${name}, ${b.period} budget: ${pct}% used`}
                        ></progress>
                        <small>{pct}%</small>
                      </div>
                    </td>
                    <td class="wrap">
                      <BudgetStatus b={b} />
                    </td>
                    <td>{b.period}</td>
                    <td>{usd(b.limit)}</td>
                    <td>{usd(b.spent)}</td>
                    <td>{usd(b.remaining)}</td>
                    <td>
                      <time datetime={b.resetsAt}>{when(b.resetsAt)}</time>
                    </td>
                    <td>
                      <div class="button-row">
                        <button
                          type="button"
                          class="small secondary outline"
                          aria-label={`Edit the ${b.period} budget of ${name}`}
                          {...hx({
                            get: `/dashboard/partials/costs/budget-form?${query}`,
                            target: "#budget-form",
                            swap: "outerHTML show:top showTarget:#budget-form",
                          })}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          class="small secondary outline"
                          aria-label={`Remove the ${b.period} budget of ${name}`}
                          {...hx({
                            delete: `/dashboard/partials/costs/budgets?${query}`,
                            target: "#budget-table",
                            swap: "outerHTML",
                            confirm: `Remove the ${b.period} budget of "${name}"?`,
                          })}
                        >
                          Remove
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No budgets yet. A budget stops a key from spending more than its limit in a day, week or month.</p>
      )}
    </div>
  );
}

export interface BudgetFormValues {
  keyId?: string;
  period?: string;
  limit?: string | number;
  warnAt?: string | number;
}

export function BudgetForm(props: { keys: ApiKeyRow[]; values?: BudgetFormValues; errors?: FieldErrors; ok?: string; editing?: string }) {
  const v = props.values ?? {};
  if (!props.keys.length) {
    return (
      <p id="budget-form">
        Budgets belong to API keys: <a href="/dashboard/keys">create a key</a> first.
      </p>
    );
  }
  return (
    <form id="budget-form" {...hx({ post: "/dashboard/partials/costs/budgets", target: "#budget-form", swap: "outerHTML" })}>
      {/* Loaded by an Edit button: focus lands here, so keyboard and screen reader users know where they are. */}
      {props.editing ? (
        <p tabindex={-1} autofocus>
          <strong>Editing {props.editing}.</strong> Change the limit or the warning and save.
        </p>
      ) : null}
      <div class="filter-grid">
        <Select
          name="keyId"
          label="API key"
          value={v.keyId}
          options={props.keys.map((k) => ({ value: k.id, label: k.name }))}
          errors={props.errors}
        />
        <Select name="period" label="Period" value={v.period ?? "monthly"} options={PERIODS} errors={props.errors} />
        <Field name="limit" label="Limit (USD)" type="number" step="0.01" min={0} value={v.limit} required errors={props.errors} />
        <Field
          name="warnAt"
          label="Warn at (% of limit)"
          type="number"
          step="1"
          min={1}
          max={100}
          value={v.warnAt ?? 80}
          errors={props.errors}
        />
      </div>
      <FormMessage error={props.errors?._form} ok={props.ok} />
      <button type="submit">Save budget</button>
    </form>
  );
}
