// Costs: two tabs — budgets per key, and the pricing table (?tab=pricing or #pricing opens the second).
/** @jsxImportSource hono/jsx */
import type { ApiKeyRow } from "../../src/db/queries/api-keys.ts";
import type { BudgetView } from "../../src/usage/budgets.ts";
import { Layout } from "../components/layout.tsx";
import { TabPanel, Tabs } from "../components/tabs.tsx";
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

export interface CostsPageProps {
  tab: CostsTab;
  budgets: BudgetView[];
  keys: ApiKeyRow[];
  pricing: { groups: ProviderPrices[]; shown: number; total: number; providers: string[]; filter: PricingFilterValues };
  defaultPassword: boolean;
}

export function CostsPage(p: CostsPageProps) {
  return (
    <Layout title="Costs" active="/dashboard/costs" defaultPassword={p.defaultPassword}>
      <h1>Costs</h1>
      <Tabs label="Costs" tabs={TABS} initial={p.tab}>
        <TabPanel id="budgets" open={p.tab === "budgets"}>
          <h2>Budgets</h2>
          <p class="muted">
            Spend per API key in a day (from 00:00 UTC), a week (from Monday) or a month (from the 1st). At the limit, the key's requests
            are refused until the period resets.
          </p>
          <BudgetTable budgets={p.budgets} keys={p.keys} />
          <h3>Set a budget</h3>
          <p class="muted">Saving a key and period that already has a budget changes it.</p>
          <BudgetForm keys={p.keys} />
        </TabPanel>
        <TabPanel id="pricing" open={p.tab === "pricing"}>
          <h2>Pricing</h2>
          <p class="muted">
            USD per 1M tokens, used to compute the cost of every request. Defaults come from each provider's public price list; your edits
            override them until you restore the default. A dash means the price follows input (cached, cache write) or output (reasoning).
          </p>
          <PricingFilter providers={p.pricing.providers} values={p.pricing.filter} />
          <PricingTable groups={p.pricing.groups} shown={p.pricing.shown} total={p.pricing.total} />
        </TabPanel>
      </Tabs>
    </Layout>
  );
}
