// Settings > Advanced: the global outbound proxy (PUT /api/settings/proxy's global entry and NO_PROXY list) and usage retention.
/** @jsxImportSource hono/jsx */
import type { ProxyConfigView } from "../../src/network/proxy-config.ts";
import type { Settings } from "../../src/settings/schema.ts";
import { Field } from "../components/form.tsx";
import { Choice, SettingsForm, Switch, TextArea, type FormState } from "./settings-form.tsx";

/** What the form shows: the stored global entry, or what was just submitted (after a 422). */
export interface ProxyFormValues {
  type: string;
  host?: string;
  port?: string;
  username?: string;
  hasPassword: boolean;
  noProxy: string;
}

export function proxyFormValues(view: ProxyConfigView): ProxyFormValues {
  const g = view.global;
  const noProxy = view.noProxy.join("\n");
  if (!g) return { type: "", hasPassword: false, noProxy };
  if (g.type === "none") return { type: "none", hasPassword: false, noProxy };
  return { type: g.type, host: g.host, port: String(g.port), username: g.username, hasPassword: g.hasPassword, noProxy };
}

export function ProxyForm(p: FormState & { v: ProxyFormValues }) {
  return (
    <SettingsForm id="proxy-form" action="/dashboard/partials/settings/proxy" method="put" errors={p.errors} ok={p.ok}>
      <p class="muted">
        Upstream calls go through this proxy unless a provider, combo or API key has its own. HTTP(S)_PROXY and ALL_PROXY in the environment
        apply when none is set here.
      </p>
      <Choice
        name="proxy.type"
        label="Global proxy"
        value={p.v.type}
        errors={p.errors}
        options={[
          { value: "", label: "None set: follow the environment" },
          { value: "none", label: "Direct: no proxy, even if the environment names one" },
          { value: "http", label: "HTTP proxy" },
          { value: "https", label: "HTTPS proxy" },
          { value: "socks5", label: "SOCKS5 proxy" },
        ]}
      />
      <div class="grid">
        <Field
          name="proxy.host"
          label="Host"
          value={p.v.host}
          placeholder="proxy.example.com"
          errors={p.errors}
          help="For an HTTP, HTTPS or SOCKS5 proxy."
        />
        <Field
          name="proxy.port"
          label="Port"
          type="number"
          min={1}
          max={65535}
          step="1"
          value={p.v.port}
          placeholder="8080"
          errors={p.errors}
        />
      </div>
      <div class="grid">
        <Field name="proxy.username" label="Username (optional)" value={p.v.username} autocomplete="off" errors={p.errors} />
        <Field
          name="proxy.password"
          label="Password (optional)"
          type="password"
          autocomplete="new-password"
          errors={p.errors}
          help={
            p.v.hasPassword
              ? "A password is stored. Leave blank to keep it (while type, host, port and username stay the same)."
              : "Stored encrypted; never shown again."
          }
        />
      </div>
      {p.v.hasPassword ? <Switch name="proxy.clearPassword" label="Remove the stored password" checked={false} /> : null}
      <TextArea
        name="noProxy"
        label="Hosts that never use a proxy, one per line"
        rows={3}
        value={p.v.noProxy}
        placeholder={"localhost\n.internal.example.com\n10.0.0.0/8"}
        errors={p.errors}
        help="NO_PROXY syntax; added to the NO_PROXY environment variable."
      />
    </SettingsForm>
  );
}

export function RetentionForm(p: FormState & { s: Settings; days?: string }) {
  return (
    <SettingsForm id="retention-form" action="/dashboard/partials/settings/retention" errors={p.errors} ok={p.ok}>
      <Field
        name="usageRetentionDays"
        label="Keep request-level usage rows for (days)"
        type="number"
        min={1}
        max={3650}
        step="1"
        value={p.days ?? p.s.usageRetentionDays}
        errors={p.errors}
        help="Older rows are rolled up into daily totals, which are kept for good."
      />
    </SettingsForm>
  );
}
