// Settings: five tabs (Alpine state, also chosen by the URL hash: #security, #routing, #resilience, #ai, #advanced).
/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { ResilienceConfig } from "../../src/accounts/profiles.ts";
import type { CacheStats } from "../../src/gateway/cache.ts";
import type { Settings } from "../../src/settings/schema.ts";
import { bind, on } from "../components/attrs.ts";
import { Layout } from "../components/layout.tsx";
import { AiForm, CacheForm, CacheStatsCard } from "../partials/settings-ai.tsx";
import { ProxyForm, RetentionForm, type ProxyFormValues } from "../partials/settings-advanced.tsx";
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

const IDS = JSON.stringify(SETTINGS_TABS.map((t) => t.id));

/** Tab state: from the hash on load and on hashchange; arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern). */
const TABS_STATE = `{
  tabs: ${IDS},
  tab: 'security',
  init() { this.fromHash(); },
  fromHash() { const h = location.hash.slice(1); if (this.tabs.includes(h)) this.tab = h; },
  select(id, focus) {
    this.tab = id;
    history.replaceState(null, '', '#' + id);
    if (focus) this.$nextTick(() => document.getElementById('tab-' + id).focus());
  },
  move(step) { const i = this.tabs.indexOf(this.tab); this.select(this.tabs[(i + step + this.tabs.length) % this.tabs.length], true); }
}`;

export interface SettingsPageData {
  s: Settings;
  envRequiresKey: boolean;
  clientIp: string;
  providers: Array<{ id: string; name: string }>;
  /** Providers whose accounts a strategy can order (connected, or already given one). */
  strategyProviders: Array<{ id: string; name: string }>;
  resilience: ResilienceConfig;
  cache: CacheStats;
  proxy: ProxyFormValues;
  defaultPassword: boolean;
}

/** A tab's panel: hidden by the server unless first (so nothing flashes), then by Alpine's state. */
function Panel(props: { id: string; first?: boolean; children?: Child }) {
  return (
    <section id={`panel-${props.id}`} role="tabpanel" aria-labelledby={`tab-${props.id}`} tabindex={0} hidden={!props.first} {...bind("hidden", `tab !== '${props.id}'`)}>
      {props.children}
    </section>
  );
}

export function SettingsPage(d: SettingsPageData) {
  return (
    <Layout title="Settings" active="/dashboard/settings" defaultPassword={d.defaultPassword}>
      <h1>Settings</h1>
      <div x-data={TABS_STATE} {...on("hashchange.window", "fromHash()")}>
        <div class="tabs" role="tablist" aria-label="Settings sections" {...on("keydown.right.prevent", "move(1)")} {...on("keydown.left.prevent", "move(-1)")}
          {...on("keydown.home.prevent", "select(tabs[0], true)")} {...on("keydown.end.prevent", "select(tabs[tabs.length - 1], true)")}>
          {SETTINGS_TABS.map((t, i) => (
            <button
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              aria-controls={`panel-${t.id}`}
              aria-selected={i === 0 ? "true" : "false"}
              tabindex={i === 0 ? 0 : -1}
              class={i === 0 ? "" : "secondary outline"}
              {...bind("aria-selected", `tab === '${t.id}' ? 'true' : 'false'`)}
              {...bind("tabindex", `tab === '${t.id}' ? 0 : -1`)}
              {...bind("class", `{ secondary: tab !== '${t.id}', outline: tab !== '${t.id}' }`)}
              {...on("click", `select('${t.id}')`)}
            >
              {t.label}
            </button>
          ))}
        </div>

        <Panel id="security" first>
          <h2>Password</h2>
          <PasswordForm />
          <h2>Access</h2>
          <AccessForm s={d.s} envRequiresKey={d.envRequiresKey} />
          <h2>IP filter</h2>
          <IpFilterForm s={d.s} clientIp={d.clientIp} />
          <h2>Provider blocking</h2>
          <BlockedProvidersForm s={d.s} providers={d.providers} />
        </Panel>

        <Panel id="routing">
          <h2>Routing strategy</h2>
          <StrategyForm s={d.s} providers={d.strategyProviders} />
          <h2>Wildcard aliases</h2>
          <AliasesForm rows={d.s.wildcardAliases} />
          <h2>Fallback chains</h2>
          <ChainsForm rows={d.s.fallbackChains} />
          <h2>Combo defaults</h2>
          <ComboDefaultsForm s={d.s} />
        </Panel>

        <Panel id="resilience">
          <h2>Resilience</h2>
          <p class="muted">When a provider's breaker opens, how long accounts cool down, and how hard each account may be used.</p>
          <ResilienceView r={d.resilience} />
        </Panel>

        <Panel id="ai">
          <h2>Request defaults</h2>
          <AiForm s={d.s} />
          <h2>Response cache</h2>
          <div class="grid">
            <CacheForm s={d.s} />
            <CacheStatsCard stats={d.cache} />
          </div>
        </Panel>

        <Panel id="advanced">
          <h2>Network proxy</h2>
          <ProxyForm v={d.proxy} />
          <h2>Usage history</h2>
          <RetentionForm s={d.s} />
        </Panel>
      </div>
    </Layout>
  );
}
