// API keys: create (the key shown once, with a copy button), revoke, and a budget per key.
/** @jsxImportSource hono/jsx */
import type { ApiKeyRow } from "../../src/db/queries/api-keys.ts";
import type { BudgetView } from "../../src/usage/budgets.ts";
import { hx } from "../components/attrs.ts";
import { usd } from "../components/card.tsx";
import { Field, FormMessage, Select, type FieldErrors } from "../components/form.tsx";
import { Layout } from "../components/layout.tsx";
import { FromConfigFile } from "../components/config-origin.tsx";

export function KeyForm(props: { errors?: FieldErrors; created?: { name: string; key: string } }) {
  return (
    <form id="key-form" {...hx({ post: "/dashboard/partials/keys", target: "#key-form", swap: "outerHTML" })}>
      {props.created ? (
        <article class="created-key" role="status">
          <p>
            Key <strong>{props.created.name}</strong> created. Copy it now: it is shown only this once.
          </p>
          <input id="new-key" class="secret" readonly value={props.created.key} aria-label="New API key" />
          <button type="button" class="small" data-copy-target="#new-key">
            Copy
          </button>
        </article>
      ) : null}
      <div class="grid">
        <Field name="name" label="Name" placeholder="laptop, ci, cursor…" required errors={props.errors} />
        <label>
          <input type="checkbox" name="manage" value="1" role="switch" /> May manage the gateway (/api)
        </label>
        <label>
          <input type="checkbox" name="sync" value="1" role="switch" /> May sync devices (this gateway as their cloud)
        </label>
      </div>
      <FormMessage error={props.errors?._form} />
      <button type="submit">Create key</button>
    </form>
  );
}

/** A key as the page lists it: marked when the configuration file declared it. */
export type KeyRow = ApiKeyRow & { fromConfigFile?: boolean };

export function KeyTable(props: { keys: KeyRow[]; budgets: BudgetView[]; oob?: boolean }) {
  const oob = props.oob ? { "hx-swap-oob": "true" } : {};
  if (!props.keys.length)
    return (
      <p id="key-table" {...oob}>
        No keys yet.
      </p>
    );
  return (
    <div id="key-table" class="table-wrap" {...oob}>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Scopes</th>
            <th scope="col">Budget</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((k) => {
            const budgets = props.budgets.filter((b) => b.keyId === k.id);
            return (
              <tr>
                <td>
                  {k.name}
                  {k.fromConfigFile ? (
                    <>
                      {" "}
                      <FromConfigFile />
                    </>
                  ) : null}
                </td>
                <td>
                  <code>{k.keyPrefix}…</code>
                </td>
                <td>{k.scopes.length ? k.scopes.join(", ") : "client"}</td>
                <td>
                  {budgets.length ? (
                    budgets.map((b) => (
                      <span>
                        {b.period}: {usd(b.spent)} / {usd(b.limit)}{" "}
                      </span>
                    ))
                  ) : (
                    <span class="muted">none</span>
                  )}
                </td>
                <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "never"}</td>
                <td>
                  <button
                    class="small secondary outline"
                    {...hx({
                      delete: `/dashboard/partials/keys/${k.id}`,
                      target: "#key-table",
                      swap: "outerHTML",
                      confirm: `Revoke key "${k.name}"? Tools using it stop working at once.`,
                    })}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function BudgetForm(props: { keys: ApiKeyRow[]; errors?: FieldErrors; ok?: string }) {
  return (
    <form id="budget-form" {...hx({ post: "/dashboard/partials/budgets", target: "#budget-form", swap: "outerHTML" })}>
      <div class="grid">
        <Select name="keyId" label="Key" options={props.keys.map((k) => ({ value: k.id, label: k.name }))} errors={props.errors} />
        <Field name="limit" label="Limit (USD)" type="number" step="0.01" min={0} required errors={props.errors} />
        <Select
          name="period"
          label="Period"
          options={[
            { value: "daily", label: "Daily" },
            { value: "weekly", label: "Weekly" },
            { value: "monthly", label: "Monthly" },
          ]}
          value="monthly"
          errors={props.errors}
        />
      </div>
      <FormMessage error={props.errors?._form} ok={props.ok} />
      <button type="submit" disabled={!props.keys.length}>
        Set budget
      </button>
    </form>
  );
}

export function KeysPage(props: { keys: KeyRow[]; budgets: BudgetView[]; defaultPassword: boolean }) {
  return (
    <Layout title="API keys" active="/dashboard/keys" defaultPassword={props.defaultPassword}>
      <h1>API keys</h1>
      <section>
        <h2>New key</h2>
        <KeyForm />
      </section>
      <section>
        <h2>Keys</h2>
        <KeyTable keys={props.keys} budgets={props.budgets} />
      </section>
      <section>
        <h2>Budget per key</h2>
        <BudgetForm keys={props.keys} />
      </section>
    </Layout>
  );
}
