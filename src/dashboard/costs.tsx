// The Costs page: budgets per key and the pricing table, written through the same services and schemas as /api.
/** @jsxImportSource hono/jsx */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Services } from "../services.ts";
import { CostsPage, parseTab } from "../../views/pages/costs.tsx";
import { BudgetForm, BudgetTable } from "../../views/partials/budgets.tsx";
import { PriceEditRow, PriceRow, PricingTable } from "../../views/partials/pricing.tsx";
import { optional, readForm, validateForm } from "./forms.ts";
import { filterPricing, pricingLine, pricingProviders, readPriceForm } from "./pricing-form.ts";

const Period = z.enum(["daily", "weekly", "monthly"], { message: "Choose daily, weekly or monthly" });

/** The form's fields; warnAt is a percentage here and a fraction (0..1] in services.budgets, as in /api. */
const BudgetFormSchema = z.object({
  keyId: z.string({ message: "Choose a key" }).min(1, "Choose a key"),
  period: Period,
  limit: z.coerce.number({ message: "Enter an amount in USD" }).positive("Must be more than $0").max(1_000_000, "At most $1,000,000"),
  warnAt: z.coerce.number({ message: "Enter a percentage" }).gt(0, "Must be more than 0%").max(100, "At most 100%").default(80),
});

const BudgetRef = z.object({ keyId: z.string().min(1), period: Period });

export function costPages(services: Services) {
  const table = (message?: { ok?: string; error?: string }, oob = false) => (
    <BudgetTable budgets={services.budgets.list()} keys={services.apiKeys.list()} message={message} oob={oob} />
  );
  const pricingTable = (c: Context) => {
    const filter = { provider: optional(c.req.query("provider")), model: optional(c.req.query("model")) };
    return { filter, ...filterPricing(services.pricing, filter) };
  };

  return new Hono()
    .get("/costs", (c) => {
      const { filter, groups, shown, total } = pricingTable(c);
      return c.html(
        <CostsPage
          tab={parseTab(c.req.query("tab"))}
          budgets={services.budgets.list()}
          keys={services.apiKeys.list()}
          pricing={{ groups, shown, total, providers: pricingProviders(services.pricing), filter }}
          defaultPassword={services.password.isDefault()}
        />,
      );
    })

    .get("/partials/costs/budget-form", (c) => {
      const ref = BudgetRef.safeParse(c.req.query());
      const current = ref.success
        ? services.budgets.list().find((b) => b.keyId === ref.data.keyId && b.period === ref.data.period)
        : undefined;
      const keys = services.apiKeys.list();
      if (!current) return c.html(<BudgetForm keys={keys} />);
      const values = { keyId: current.keyId, period: current.period, limit: current.limit, warnAt: Math.round(current.warnAt * 100) };
      const name = keys.find((k) => k.id === current.keyId)?.name ?? current.keyId;
      return c.html(<BudgetForm keys={keys} values={values} editing={`the ${current.period} budget of ${name}`} />);
    })
    .post("/partials/costs/budgets", async (c) => {
      const form = await readForm(c);
      const keys = services.apiKeys.list();
      const values = { keyId: form.get("keyId"), period: form.get("period"), limit: form.get("limit"), warnAt: form.get("warnAt") };
      const parsed = validateForm(BudgetFormSchema, { ...values, limit: optional(values.limit), warnAt: optional(values.warnAt) });
      if (!parsed.ok) return c.html(<BudgetForm keys={keys} values={values} errors={parsed.errors} />, 422);
      const { keyId, period, limit, warnAt } = parsed.data;
      // The same check as POST /api/usage/budget: a budget needs an existing key.
      const key = keys.find((k) => k.id === keyId);
      if (!key) return c.html(<BudgetForm keys={keys} values={values} errors={{ keyId: "That key no longer exists" }} />, 422);
      await services.budgets.set(keyId, period, limit, warnAt / 100);
      return c.html(
        <>
          <BudgetForm keys={keys} ok={`Saved: ${key.name}, ${period} budget of $${limit.toFixed(2)} (warns at ${warnAt}%).`} />
          {table(undefined, true)}
        </>,
      );
    })
    .delete("/partials/costs/budgets", async (c) => {
      const ref = BudgetRef.safeParse(c.req.query());
      if (!ref.success || !(await services.budgets.remove(ref.data.keyId, ref.data.period))) {
        return c.html(table({ error: "That budget no longer exists." }), 404);
      }
      return c.html(table({ ok: `Removed the ${ref.data.period} budget.` }));
    })

    .get("/partials/costs/pricing", (c) => {
      const { groups, shown, total } = pricingTable(c);
      return c.html(<PricingTable groups={groups} shown={shown} total={total} />);
    })
    .get("/partials/costs/pricing/row", (c) => {
      const line = pricingLine(services.pricing, c.req.query("provider") ?? "", c.req.query("model") ?? "");
      if (!line)
        return c.html(
          <tr>
            <td colspan={7}>That price no longer exists.</td>
          </tr>,
          404,
        );
      return c.html(c.req.query("edit") ? <PriceEditRow line={line} /> : <PriceRow line={line} />);
    })
    .put("/partials/costs/pricing", async (c) => {
      const form = await readForm(c);
      const result = readPriceForm(form);
      const provider = form.get("provider") ?? "";
      const model = form.get("model") ?? "";
      const before = pricingLine(services.pricing, provider, model) ?? {
        provider,
        model,
        price: { input: 0, output: 0 },
        custom: false,
        hasDefault: false,
      };
      if (!result.ok) return c.html(<PriceEditRow line={before} values={result.values} errors={result.errors} />, 422);
      await services.pricing.update(result.patch);
      return c.html(<PriceRow line={pricingLine(services.pricing, provider, model)!} />);
    })
    .delete("/partials/costs/pricing", async (c) => {
      const provider = c.req.query("provider") ?? "";
      const model = c.req.query("model") ?? "";
      const parsed = validateForm(z.object({ provider: z.string().min(1).max(64), model: z.string().min(1).max(300) }), {
        provider,
        model,
      });
      if (!parsed.ok)
        return c.html(
          <tr>
            <td colspan={7} class="field-error">
              Unknown model.
            </td>
          </tr>,
          422,
        );
      await services.pricing.update({ [provider]: { [model]: null } });
      // A model with a default shows it again; one that only had the user's price disappears.
      const line = pricingLine(services.pricing, provider, model);
      return c.html(line ? <PriceRow line={line} /> : "");
    });
}
