// Settings > AI: thinking budget, global system prompt, the response cache and its live stats.
/** @jsxImportSource hono/jsx */
import type { CacheStats } from "../../src/gateway/cache.ts";
import type { Settings } from "../../src/settings/schema.ts";
import { hx } from "../components/attrs.ts";
import { bytes, formatNumber } from "../components/card.tsx";
import { Field } from "../components/form.tsx";
import { SettingsForm, Switch, TextArea, type FormState } from "./settings-form.tsx";

export function AiForm(p: FormState & { s: Settings; budget?: string; prompt?: string }) {
  return (
    <SettingsForm id="ai-form" action="/dashboard/partials/settings/ai" errors={p.errors} ok={p.ok}>
      <Field
        name="thinkingBudget"
        label="Default thinking budget (tokens)"
        type="number"
        min={0}
        max={200000}
        step="1"
        value={p.budget ?? p.s.thinkingBudget}
        errors={p.errors}
        help="0 = off. Otherwise requests that set no reasoning of their own get this budget."
      />
      <TextArea
        name="systemPrompt"
        label="Global system prompt"
        rows={6}
        value={p.prompt ?? p.s.systemPrompt}
        errors={p.errors}
        help="Put before every request's own system prompt. Leave empty for none."
      />
    </SettingsForm>
  );
}

export function CacheForm(p: FormState & { s: Settings; ttl?: string; enabled?: boolean }) {
  return (
    <SettingsForm id="cache-form" action="/dashboard/partials/settings/cache" errors={p.errors} ok={p.ok}>
      <Switch
        name="cache.enabled"
        label="Cache deterministic answers (temperature 0)"
        checked={p.enabled ?? p.s.cache.enabled}
        help={'A client can skip the cache for one call with the header "x-omniroute-no-cache: true".'}
      />
      <Field
        name="cache.ttlSeconds"
        label="Keep answers for (seconds)"
        type="number"
        min={1}
        max={604800}
        step="1"
        value={p.ttl ?? p.s.cache.ttlSeconds}
        errors={p.errors}
      />
    </SettingsForm>
  );
}

export function CacheStatsView(p: { stats: CacheStats; message?: string }) {
  const total = p.stats.hits + p.stats.misses;
  return (
    <div id="cache-stats">
      <dl>
        <dt>Entries</dt>
        <dd>
          {formatNumber(p.stats.entries)} ({bytes(p.stats.bytes)})
        </dd>
        <dt>Hits / misses</dt>
        <dd>
          {formatNumber(p.stats.hits)} / {formatNumber(p.stats.misses)}
          {total ? ` (${Math.round((p.stats.hits / total) * 100)}% hits)` : ""}
        </dd>
      </dl>
      {p.message ? (
        <p class="form-message ok" role="status">
          {p.message}
        </p>
      ) : null}
    </div>
  );
}

export function CacheStatsCard(p: { stats: CacheStats }) {
  return (
    <article>
      <header>
        <h3 style="font-size:1rem;margin:0">Cache now</h3>
      </header>
      <div {...hx({ get: "/dashboard/partials/settings/cache-stats", trigger: "every 10s", target: "#cache-stats", swap: "outerHTML" })}>
        <CacheStatsView stats={p.stats} />
      </div>
      <button
        type="button"
        class="secondary"
        {...hx({
          post: "/dashboard/partials/settings/cache/clear",
          target: "#cache-stats",
          swap: "outerHTML",
          confirm: "Drop every cached answer?",
        })}
      >
        Clear cache
      </button>
    </article>
  );
}
