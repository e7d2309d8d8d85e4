// Costs: two tabs (Alpine keeps which one is open; arrow keys move between them) — budgets per key, and the pricing table.
/** @jsxImportSource hono/jsx */
import type { ApiKeyRow } from "../../src/db/queries/api-keys.ts";
import type { BudgetView } from "../../src/usage/budgets.ts";
import { bind, on } from "../components/attrs.ts";
import { Layout } from "../components/layout.tsx";
import { BudgetForm, BudgetTable } from "../partials/budgets.tsx";
import { PricingFilter, PricingTable, type PricingFilterValues, type ProviderPrices } from "../partials/pricing.tsx";

const TABS = [
  { id: "budgets", label: "Budgets" },
  { id: "pricing", label: "Pricing" },
] as const;

export type CostsTab = (typeof TABS)[number]["id"];

export function parseTab(value: string | undefined): CostsTab {
  return value === "pricing" ? "pricing" : "budgets";
}

function TabButton(props: { id: CostsTab; label: string; initial: CostsTab }) {
  const other = TABS.find((t) => t.id !== props.id)!.id;
  const ref = (id: string) => `tab_${id}`;
  const go = (id: string) => `tab = '${id}'; $refs.${ref(id)}.focus()`;
  return (
    <button
      type="button"
      role="tab"
      id={`tab-${props.id}`}
      x-ref={ref(props.id)}
      aria-controls={`panel-${props.id}`}
      aria-selected={props.initial === props.id ? "true" : "false"}
      tabindex={props.initial === props.id ? 0 : -1}
      {...bind("aria-selected", `tab === '${props.id}' ? 'true' : 'false'`)}
      {...bind("tabindex", `tab === '${props.id}' ? 0 : -1`)}
      {...on("click", `tab = '${props.id}'`)}
      {...on("keydown.right.prevent", go(other))}
      {...on("keydown.left.prevent", go(other))}
      {...on("keydown.home.prevent", go(TABS[0].id))}
      {...on("keydown.end.prevent", go(TABS[TABS.length - 1]!.id))}
    >
      {props.label}
    </button>
  );
}

export interface CostsPageProps {
  tab: CostsTab;
  budgets: BudgetView[];
  keys: ApiKeyRow[];
  pricing: { groups: ProviderPrices[]; shown: number; total: number; providers: string[]; filter: PricingFilterValues };
  defaultPassword: boolean;
}

export function CostsPage(p: CostsPageProps) {
  const panel = (id: CostsTab) => ({
    role: "tabpanel",
    id: `panel-${id}`,
    "aria-labelledby": `tab-${id}`,
    hidden: p.tab !== id,
    ...bind("hidden", `tab !== '${id}'`),
  });
  return (
    <Layout title="Costs" active="/dashboard/costs" defaultPassword={p.defaultPassword}>
      <h1>Costs</h1>
      <div x-data={`{ tab: '${p.tab}' }`}>
        <div role="tablist" aria-label="Costs" class="tabs">
          {TABS.map((t) => <TabButton id={t.id} label={t.label} initial={p.tab} />)}
        </div>
        <section {...panel("budgets")}>
          <h2>Budgets</h2>
          <p class="muted">Spend per API key in a day (from 00:00 UTC), a week (from Monday) or a month (from the 1st). At the limit, the key's requests are refused until the period resets.</p>
          <BudgetTable budgets={p.budgets} keys={p.keys} />
          <h3>Set a budget</h3>
          <p class="muted">Saving a key and period that already has a budget changes it.</p>
          <BudgetForm keys={p.keys} />
        </section>
        <section {...panel("pricing")}>
          <h2>Pricing</h2>
          <p class="muted">USD per 1M tokens, used to compute the cost of every request. Defaults come from each provider's public price list; your edits override them until you restore the default. A dash means the price follows input (cached, cache write) or output (reasoning).</p>
          <PricingFilter providers={p.pricing.providers} values={p.pricing.filter} />
          <PricingTable groups={p.pricing.groups} shown={p.pricing.shown} total={p.pricing.total} />
        </section>
      </div>
    </Layout>
  );
}
