// Settings: five tabs, also opened by the URL hash (#security, #routing, #resilience, #ai, #advanced).
/** @jsxImportSource hono/jsx */
import type { ResilienceConfig } from "../../src/accounts/profiles.ts";
import type { CacheStats } from "../../src/gateway/cache.ts";
import type { Settings } from "../../src/settings/schema.ts";
import { Layout } from "../components/layout.tsx";
import { TabPanel, Tabs } from "../components/tabs.tsx";
import { AiForm, CacheForm, CacheStatsCard } from "../partials/settings-ai.tsx";
import { ProxyForm, RetentionForm, type ProxyFormValues } from "../partials/settings-advanced.tsx";
import type { healthSnapshot } from "../../src/api/health.ts";
import { hx } from "../components/attrs.ts";
import { LockoutsCard } from "../partials/health.tsx";
import { ResilienceView } from "../partials/settings-resilience.tsx";
import { AliasesForm, ChainsForm, ComboDefaultsForm, StrategyForm } from "../partials/settings-routing.tsx";
import { AccessForm, BlockedProvidersForm, IpFilterForm, PasswordForm } from "../partials/settings-security.tsx";

export const SETTINGS_TABS = [
  { id: "security", label: "Security" },
  { id: "routing", label: "Routing" },
  { id: "resilience", label: "Resilience" },
  { id: "ai", label: "AI" },
  { id: "advanced", label: "Advanced" },
] as const;

export interface SettingsPageData {
  s: Settings;
  envRequiresKey: boolean;
  clientIp: string;
  providers: Array<{ id: string; name: string }>;
  /** Providers whose accounts a strategy can order (connected, or already given one). */
  strategyProviders: Array<{ id: string; name: string }>;
  resilience: ResilienceConfig;
  /** Breakers, cooling accounts and sign-in lockouts, for the Resilience tab's lockouts section. */
  health: ReturnType<typeof healthSnapshot>;
  cache: CacheStats;
  proxy: ProxyFormValues;
  defaultPassword: boolean;
}

/** The same id as SETTINGS_LOCKOUTS in src/dashboard/pages.tsx, which answers Unlock and Reset all for it. */
const LOCKOUTS_BODY = "settings-lockouts-body";

export function SettingsPage(d: SettingsPageData) {
  return (
    <Layout title="Settings" active="/dashboard/settings" defaultPassword={d.defaultPassword}>
      <h1>Settings</h1>
      <Tabs label="Settings sections" tabs={SETTINGS_TABS} initial="security">
        <TabPanel id="security" open>
          <h2>Password</h2>
          <PasswordForm />
          <h2>Access</h2>
          <AccessForm s={d.s} envRequiresKey={d.envRequiresKey} />
          <h2>IP filter</h2>
          <IpFilterForm s={d.s} clientIp={d.clientIp} />
          <h2>Provider blocking</h2>
          <BlockedProvidersForm s={d.s} providers={d.providers} />
        </TabPanel>

        <TabPanel id="routing">
          <h2>Routing strategy</h2>
          <StrategyForm s={d.s} providers={d.strategyProviders} />
          <h2>Wildcard aliases</h2>
          <AliasesForm rows={d.s.wildcardAliases} />
          <h2>Fallback chains</h2>
          <ChainsForm rows={d.s.fallbackChains} />
          <h2>Combo defaults</h2>
          <ComboDefaultsForm s={d.s} />
        </TabPanel>

        <TabPanel id="resilience">
          <h2>Resilience</h2>
          <p class="muted">When a provider's breaker opens, how long accounts cool down, and how hard each account may be used.</p>
          <ResilienceView r={d.resilience} />
          <h2>Breakers and lockouts</h2>
          <p class="muted">
            Open provider breakers and cooling accounts. Unlock lets one serve again at once; Reset all clears every breaker and cooldown
            (the Health page shows the same).
          </p>
          <div id={LOCKOUTS_BODY} aria-live="polite">
            <LockoutsCard s={d.health} body={LOCKOUTS_BODY} />
          </div>
          <button
            type="button"
            class="secondary outline"
            {...hx({
              post: "/dashboard/partials/health/reset",
              vals: { body: LOCKOUTS_BODY },
              target: `#${LOCKOUTS_BODY}`,
              swap: "innerHTML",
            })}
          >
            Reset all
          </button>
        </TabPanel>

        <TabPanel id="ai">
          <h2>Request defaults</h2>
          <AiForm s={d.s} />
          <h2>Response cache</h2>
          <div class="grid">
            <CacheForm s={d.s} />
            <CacheStatsCard stats={d.cache} />
          </div>
        </TabPanel>

        <TabPanel id="advanced">
          <h2>Network proxy</h2>
          <ProxyForm v={d.proxy} />
          <h2>Usage history</h2>
          <RetentionForm s={d.s} />
        </TabPanel>
      </Tabs>
    </Layout>
  );
}
