// Dashboard pages and partials for Overview, API keys and Health. Actions call the same services as /api.
/** @jsxImportSource hono/jsx */
import { Hono, type Context } from "hono";
import { configFileMarks } from "./config-origin.ts";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { healthSnapshot } from "../api/health.ts";
import { resetResilience } from "../accounts/reset.ts";
import type { Services } from "../services.ts";
import { HealthPage } from "../../views/pages/health.tsx";
import { CacheCard, LatencyCard, LockoutsCard, ProvidersCard, RateLimitsCard, SystemCard } from "../../views/partials/health.tsx";
import { BudgetForm, KeyForm, KeysPage, KeyTable } from "../../views/pages/keys.tsx";
import { OverviewPage, OverviewStats } from "../../views/pages/overview.tsx";
import { optional, readForm, validateForm } from "./forms.ts";
import { overviewData } from "./overview.ts";
import { KEY_SCOPES } from "../auth/key-store.ts";

const KeyCreateForm = z.object({ name: z.string().trim().min(1, "Give the key a name").max(100, "At most 100 characters") });
const BudgetFormSchema = z.object({
  keyId: z.string().min(1, "Choose a key"),
  limit: z.coerce.number({ message: "Enter an amount in USD" }).positive("Must be more than $0").max(1_000_000),
  period: z.enum(["daily", "weekly", "monthly"]),
});

/** Where Settings > Resilience shows the lockouts (its Unlock and Reset all re-render that element). */
export const SETTINGS_LOCKOUTS = "settings-lockouts-body";

export function corePages(services: Services) {
  const defaultPassword = () => services.password.isDefault();
  const keyRows = async () => {
    const marks = await configFileMarks(services);
    return services.apiKeys.list().map((k) => ({ ...k, fromConfigFile: marks("key", k.id) }));
  };
  return new Hono()
    .get("/", async (c) => c.html(<OverviewPage d={await overviewData(services)} defaultPassword={defaultPassword()} />))
    .get("/partials/overview", async (c) => c.html(<OverviewStats d={await overviewData(services)} />))

    .get("/keys", async (c) =>
      c.html(<KeysPage keys={await keyRows()} budgets={services.budgets.list()} defaultPassword={defaultPassword()} />),
    )
    .post("/partials/keys", async (c) => {
      const form = await readForm(c);
      const parsed = validateForm(KeyCreateForm, { name: form.get("name") ?? "" });
      if (!parsed.ok) return c.html(<KeyForm errors={parsed.errors} />, 422);
      const scopes = KEY_SCOPES.filter((scope) => form.get(scope));
      const { row, key } = await services.apiKeys.create(parsed.data.name, scopes);
      return c.html(
        <>
          <KeyForm created={{ name: row.name, key }} />
          <KeyTable keys={await keyRows()} budgets={services.budgets.list()} oob />
        </>,
      );
    })
    .delete("/partials/keys/:id", async (c) => {
      if (!(await services.apiKeys.remove(c.req.param("id")))) throw new GatewayError("not_found", "That key no longer exists.");
      services.budgets.forgetKey(c.req.param("id"));
      return c.html(<KeyTable keys={await keyRows()} budgets={services.budgets.list()} />);
    })
    .post("/partials/budgets", async (c) => {
      const form = await readForm(c);
      const keys = services.apiKeys.list();
      const parsed = validateForm(BudgetFormSchema, {
        keyId: form.get("keyId"),
        limit: optional(form.get("limit")),
        period: form.get("period"),
      });
      if (!parsed.ok) return c.html(<BudgetForm keys={keys} errors={parsed.errors} />, 422);
      if (!keys.some((k) => k.id === parsed.data.keyId))
        return c.html(<BudgetForm keys={keys} errors={{ keyId: "That key no longer exists" }} />, 422);
      await services.budgets.set(parsed.data.keyId, parsed.data.period, parsed.data.limit);
      return c.html(
        <>
          <BudgetForm keys={keys} ok={`Budget saved: $${parsed.data.limit.toFixed(2)} ${parsed.data.period}.`} />
          <KeyTable keys={await keyRows()} budgets={services.budgets.list()} oob />
        </>,
      );
    })

    .get("/health", (c) => c.html(<HealthPage defaultPassword={defaultPassword()} />))
    .get("/partials/health/:card", (c) => {
      const s = healthSnapshot(services);
      const cards: Record<string, () => unknown> = {
        system: () => <SystemCard s={s} />,
        providers: () => <ProvidersCard s={s} />,
        "rate-limits": () => <RateLimitsCard s={s} />,
        lockouts: () => <LockoutsCard s={s} />,
        cache: () => <CacheCard s={s} />,
        latency: () => <LatencyCard s={s} />,
      };
      const render = cards[c.req.param("card")];
      if (!render) return c.notFound();
      return c.html(render() as string);
    })
    .post("/partials/health/reset", async (c: Context) => {
      const form = await readForm(c);
      const cleared = resetResilience(services, {
        provider: optional(form.get("provider")),
        connectionId: optional(form.get("connectionId")),
      });
      const body = form.get("body") === SETTINGS_LOCKOUTS ? SETTINGS_LOCKOUTS : undefined;
      if (form.get("provider") || form.get("connectionId") || body)
        return c.html(<LockoutsCard s={healthSnapshot(services)} body={body} />);
      return c.html(
        <span>
          Cleared {cleared.breakers} breaker(s) and {cleared.cooldowns} cooldown(s).
        </span>,
      );
    });
}
