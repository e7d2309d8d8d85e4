// The Settings page and its partials: every write goes through the services and zod schemas /api uses.
/** @jsxImportSource hono/jsx */
import { Hono, type Context } from "hono";
import { PasswordChangeSchema } from "../api/auth.ts";
import { changePassword, clientIp } from "../auth/login.ts";
import { GatewayError } from "../canonical/errors.ts";
import type { Services } from "../services.ts";
import { healthSnapshot } from "../api/health.ts";
import { SettingsPage } from "../../views/pages/settings.tsx";
import { AiForm, CacheForm, CacheStatsView } from "../../views/partials/settings-ai.tsx";
import { ProxyForm, proxyFormValues, RetentionForm } from "../../views/partials/settings-advanced.tsx";
import {
  AddOverrideSelect,
  OverrideRow,
  ResilienceEditForm,
  resilienceValues,
  ResilienceView,
} from "../../views/partials/settings-resilience.tsx";
import {
  AliasesForm,
  AliasRowInputs,
  ChainRowInputs,
  ChainsForm,
  ComboDefaultsForm,
  StrategyForm,
} from "../../views/partials/settings-routing.tsx";
import { AccessForm, BlockedProvidersForm, IpFilterForm, PasswordForm } from "../../views/partials/settings-security.tsx";
import type { FieldErrors } from "../../views/components/form.tsx";
import { readForm, validateForm } from "./forms.ts";
import {
  accessPatch,
  aiPatch,
  aliasRows,
  cachePatch,
  chainRows,
  foldListErrors,
  ipFilterPatch,
  proxyPatch,
  resiliencePatch,
  saveProxy,
  saveResilience,
  saveSettings,
  strategyPatch,
  wholeNumber,
} from "./settings-forms.ts";

const SAVED = "Saved.";

/** A 422 with the re-rendered form, or the saved form. */
function answer(c: Context, ok: boolean, view: Parameters<Context["html"]>[0]) {
  return c.html(view, ok ? 200 : 422);
}

export function settingsPages(services: Services) {
  const providers = () => services.providers.all().map((p) => ({ id: p.id, name: p.name }));
  const strategyProviders = () => {
    const overridden = services.settings.get().providerStrategies;
    return providers().filter((p) => services.accounts.accountsOf(p.id).length > 0 || overridden[p.id]);
  };
  const envRequiresKey = () => services.config.requireApiKey;
  let rowSeq = 0;

  return (
    new Hono()
      .get("/settings", (c) =>
        c.html(
          <SettingsPage
            s={services.settings.get()}
            envRequiresKey={envRequiresKey()}
            clientIp={clientIp(c)}
            providers={providers()}
            strategyProviders={strategyProviders()}
            resilience={services.resilience.get()}
            health={healthSnapshot(services)}
            cache={services.cache.stats()}
            proxy={proxyFormValues(services.proxies.view())}
            defaultPassword={services.password.isDefault()}
          />,
        ),
      )

      // Security
      .post("/partials/settings/password", async (c) => {
        const form = await readForm(c);
        const parsed = validateForm(PasswordChangeSchema, { current: form.get("current") ?? "", next: form.get("next") ?? "" });
        if (!parsed.ok) return c.html(<PasswordForm errors={parsed.errors} />, 422);
        try {
          await changePassword(c, services, parsed.data.current, parsed.data.next);
        } catch (err) {
          if (err instanceof GatewayError && err.param === "current")
            return c.html(<PasswordForm errors={{ current: err.message }} />, 422);
          if (err instanceof GatewayError && err.code === "login_throttled")
            return c.html(<PasswordForm errors={{ current: err.message }} />, 429);
          throw err;
        }
        return c.html(<PasswordForm ok="Password changed. Other browsers signed in with the old one are signed out." />);
      })
      .post("/partials/settings/access", async (c) => {
        const saved = await saveSettings(services, accessPatch(await readForm(c)));
        const s = saved.ok ? saved.value : services.settings.get();
        return answer(
          c,
          saved.ok,
          <AccessForm
            s={s}
            envRequiresKey={envRequiresKey()}
            errors={saved.ok ? undefined : saved.errors}
            ok={saved.ok ? SAVED : undefined}
          />,
        );
      })
      .post("/partials/settings/ip-filter", async (c) => {
        const form = await readForm(c);
        const errors: FieldErrors = {};
        const saved = await saveSettings(services, ipFilterPatch(form, errors), errors);
        if (saved.ok) return c.html(<IpFilterForm s={saved.value} clientIp={clientIp(c)} ok={SAVED} />);
        return c.html(
          <IpFilterForm
            s={services.settings.get()}
            clientIp={clientIp(c)}
            mode={form.get("ipFilter.mode")}
            list={form.get("ipFilter.list")}
            errors={foldListErrors(saved.errors, "ipFilter.list")}
          />,
          422,
        );
      })
      .post("/partials/settings/blocked-providers", async (c) => {
        const known = new Set(providers().map((p) => p.id));
        const saved = await saveSettings(services, {
          blockedProviders: (await readForm(c)).all("blockedProviders").filter((id) => known.has(id)),
        });
        const s = saved.ok ? saved.value : services.settings.get();
        return answer(
          c,
          saved.ok,
          <BlockedProvidersForm
            s={s}
            providers={providers()}
            errors={saved.ok ? undefined : saved.errors}
            ok={saved.ok ? SAVED : undefined}
          />,
        );
      })

      // Routing
      .post("/partials/settings/strategy", async (c) => {
        const form = await readForm(c);
        const errors: FieldErrors = {};
        const listed = strategyProviders();
        const patch = strategyPatch(
          form,
          listed.map((p) => p.id),
          errors,
        );
        const saved = await saveSettings(services, patch, errors);
        if (saved.ok) return c.html(<StrategyForm s={saved.value} providers={strategyProviders()} ok={SAVED} />);
        const submitted = {
          routingStrategy: patch.routingStrategy,
          sticky: form.get("stickyRoundRobinLimit"),
          providerStrategies: patch.providerStrategies,
        };
        return c.html(<StrategyForm s={services.settings.get()} providers={listed} submitted={submitted} errors={saved.errors} />, 422);
      })
      .get("/partials/settings/alias-row", (c) => c.html(<AliasRowInputs rowId={`n${++rowSeq}`} />))
      .post("/partials/settings/aliases", async (c) => {
        const rows = aliasRows(await readForm(c));
        const saved = await saveSettings(services, { wildcardAliases: rows });
        return answer(
          c,
          saved.ok,
          saved.ok ? <AliasesForm rows={saved.value.wildcardAliases} ok={SAVED} /> : <AliasesForm rows={rows} errors={saved.errors} />,
        );
      })
      .get("/partials/settings/chain-row", (c) => c.html(<ChainRowInputs rowId={`n${++rowSeq}`} />))
      .post("/partials/settings/chains", async (c) => {
        const rows = chainRows(await readForm(c));
        const saved = await saveSettings(services, { fallbackChains: rows });
        return answer(
          c,
          saved.ok,
          saved.ok ? <ChainsForm rows={saved.value.fallbackChains} ok={SAVED} /> : <ChainsForm rows={rows} errors={saved.errors} />,
        );
      })
      .post("/partials/settings/combo-defaults", async (c) => {
        const saved = await saveSettings(services, { comboDefaults: { strategy: (await readForm(c)).get("comboDefaults.strategy") } });
        const s = saved.ok ? saved.value : services.settings.get();
        const errors = saved.ok ? undefined : foldListErrors(saved.errors, "comboDefaults.strategy");
        return answer(c, saved.ok, <ComboDefaultsForm s={s} errors={errors} ok={saved.ok ? SAVED : undefined} />);
      })

      // Resilience: read-only view, Edit, Save (PATCH) or Cancel.
      .get("/partials/settings/resilience", (c) => c.html(<ResilienceView r={services.resilience.get()} />))
      .get("/partials/settings/resilience/edit", (c) => {
        const r = services.resilience.get();
        return c.html(<ResilienceEditForm values={resilienceValues(r)} overrideIds={Object.keys(r.providers)} providers={providers()} />);
      })
      // A new override row (the edit form is included: a provider already listed adds nothing).
      .get("/partials/settings/resilience/override-row", (c) => {
        const id = c.req.query("addOverride") ?? "";
        if (!services.providers.all().some((p) => p.id === id)) throw new GatewayError("not_found", "Choose a provider first.");
        const listed = c.req.queries("override") ?? [];
        if (listed.includes(id)) return c.body(null, 204);
        return c.html(
          <>
            <OverrideRow id={id} />
            <AddOverrideSelect providers={providers()} exclude={[...listed, id]} oob />
          </>,
        );
      })
      .patch("/partials/settings/resilience", async (c) => {
        const form = await readForm(c);
        const errors: FieldErrors = {};
        const saved = await saveResilience(services, resiliencePatch(form, errors), errors);
        if (saved.ok) return c.html(<ResilienceView r={saved.value} ok={SAVED} />);
        const ids = [...new Set(form.all("override"))];
        return c.html(<ResilienceEditForm values={form.raw} overrideIds={ids} providers={providers()} errors={saved.errors} />, 422);
      })

      // AI
      .post("/partials/settings/ai", async (c) => {
        const form = await readForm(c);
        const errors: FieldErrors = {};
        const saved = await saveSettings(services, aiPatch(form, errors), errors);
        if (saved.ok) return c.html(<AiForm s={saved.value} ok={SAVED} />);
        return c.html(
          <AiForm
            s={services.settings.get()}
            budget={form.get("thinkingBudget")}
            prompt={form.get("systemPrompt")}
            errors={saved.errors}
          />,
          422,
        );
      })
      .post("/partials/settings/cache", async (c) => {
        const form = await readForm(c);
        const errors: FieldErrors = {};
        const saved = await saveSettings(services, cachePatch(form, errors), errors);
        if (saved.ok) return c.html(<CacheForm s={saved.value} ok={SAVED} />);
        return c.html(
          <CacheForm
            s={services.settings.get()}
            ttl={form.get("cache.ttlSeconds")}
            enabled={Boolean(form.get("cache.enabled"))}
            errors={saved.errors}
          />,
          422,
        );
      })
      .get("/partials/settings/cache-stats", (c) => c.html(<CacheStatsView stats={services.cache.stats()} />))
      .post("/partials/settings/cache/clear", (c) => {
        services.cache.clear();
        return c.html(<CacheStatsView stats={services.cache.stats()} message="Cache cleared." />);
      })

      // Advanced
      .put("/partials/settings/proxy", async (c) => {
        const form = await readForm(c);
        const errors: FieldErrors = {};
        const saved = await saveProxy(services, proxyPatch(form, errors), errors);
        if (saved.ok) return c.html(<ProxyForm v={proxyFormValues(saved.value)} ok={SAVED} />);
        const stored = proxyFormValues(services.proxies.view());
        const v = {
          ...stored,
          type: form.get("proxy.type") ?? "",
          host: form.get("proxy.host"),
          port: form.get("proxy.port"),
          username: form.get("proxy.username"),
          noProxy: form.get("noProxy") ?? "",
        };
        return c.html(<ProxyForm v={v} errors={saved.errors} />, 422);
      })
      .post("/partials/settings/retention", async (c) => {
        const form = await readForm(c);
        const errors: FieldErrors = {};
        const saved = await saveSettings(services, { usageRetentionDays: wholeNumber(form, "usageRetentionDays", errors) }, errors);
        if (saved.ok) return c.html(<RetentionForm s={saved.value} ok={SAVED} />);
        return c.html(<RetentionForm s={services.settings.get()} days={form.get("usageRetentionDays")} errors={saved.errors} />, 422);
      })
  );
}
