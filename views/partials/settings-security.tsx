// Settings > Security: password, who must sign in or send a key, the IP filter, blocked providers.
/** @jsxImportSource hono/jsx */
import type { Settings } from "../../src/settings/schema.ts";
import { Field } from "../components/form.tsx";
import { Choice, fieldId, SettingsForm, Switch, TextArea, type FormState } from "./settings-form.tsx";

export function PasswordForm(p: FormState) {
  return (
    <SettingsForm id="password-form" action="/dashboard/partials/settings/password" submit="Change password" errors={p.errors} ok={p.ok}>
      <div class="grid">
        <Field name="current" label="Current password" type="password" autocomplete="current-password" required errors={p.errors} />
        <Field
          name="next"
          label="New password"
          type="password"
          autocomplete="new-password"
          required
          errors={p.errors}
          help="At least 8 characters. Other browsers signed in are signed out."
        />
      </div>
    </SettingsForm>
  );
}

export function AccessForm(p: FormState & { s: Settings; envRequiresKey: boolean }) {
  const api = p.s.requireApiKey === null ? "env" : p.s.requireApiKey ? "on" : "off";
  const models = p.s.requireApiKeyForModels === null ? "env" : p.s.requireApiKeyForModels ? "on" : "off";
  return (
    <SettingsForm id="access-form" action="/dashboard/partials/settings/access" errors={p.errors} ok={p.ok}>
      <Switch
        name="requireLogin"
        label="Require sign-in for the dashboard and /api"
        checked={p.s.requireLogin}
        help="Off: anyone who can reach this address can manage the gateway. Leave it on unless the gateway only listens on 127.0.0.1."
      />
      <Choice
        name="requireApiKey"
        label="Require an API key for client calls (/v1, /v1beta)"
        value={api}
        errors={p.errors}
        options={[
          { value: "env", label: `Follow REQUIRE_API_KEY (currently ${p.envRequiresKey ? "on" : "off"})` },
          { value: "on", label: "On: refuse calls without a key" },
          { value: "off", label: "Off: calls without a key are anonymous" },
        ]}
        help="A wrong key is always refused."
      />
      <Choice
        name="requireApiKeyForModels"
        label="Require an API key for the model list (GET /v1/models, /v1beta/models)"
        value={models}
        errors={p.errors}
        options={[
          { value: "env", label: "Same as client calls" },
          { value: "on", label: "On: the list needs a key even when calls do not" },
          { value: "off", label: "Off: anyone who can reach the gateway may list models" },
        ]}
        help="Some tools list models before their key is set; others should not learn which providers are connected."
      />
    </SettingsForm>
  );
}

/** `mode` and `list`: what was submitted, shown again after a 422. */
export function IpFilterForm(p: FormState & { s: Settings; clientIp: string; mode?: string; list?: string }) {
  return (
    <SettingsForm id="ip-filter-form" action="/dashboard/partials/settings/ip-filter" errors={p.errors} ok={p.ok}>
      <Choice
        name="ipFilter.mode"
        label="IP filter"
        value={p.mode ?? p.s.ipFilter.mode}
        errors={p.errors}
        options={[
          { value: "off", label: "Off: any address may call" },
          { value: "allow", label: "Allow list: only these addresses may call" },
          { value: "deny", label: "Deny list: these addresses may not call" },
        ]}
        help="Applies to client calls (/v1, /v1beta, /chat/completions, /responses); the dashboard and /api are not filtered."
      />
      <TextArea
        name="ipFilter.list"
        label="Addresses, one per line"
        value={p.list ?? p.s.ipFilter.list.join("\n")}
        rows={4}
        placeholder={"203.0.113.7\n10.0.0.0/8\n2001:db8::/32"}
        errors={p.errors}
        help={`Exact IPv4/IPv6 addresses or CIDR ranges. Your address as the gateway sees it: ${p.clientIp}.`}
      />
    </SettingsForm>
  );
}

export function BlockedProvidersForm(p: FormState & { s: Settings; providers: Array<{ id: string; name: string }> }) {
  const blocked = new Set(p.s.blockedProviders);
  return (
    <SettingsForm id="blocked-form" action="/dashboard/partials/settings/blocked-providers" errors={p.errors} ok={p.ok}>
      <fieldset>
        <legend>Blocked providers: requests are never sent to these, even as a fallback.</legend>
        <div style="display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:0 1rem">
          {p.providers.map((provider) => (
            <label for={fieldId(`blocked-${provider.id}`)} title={provider.id}>
              <input
                id={fieldId(`blocked-${provider.id}`)}
                type="checkbox"
                name="blockedProviders"
                value={provider.id}
                checked={blocked.has(provider.id)}
              />
              <span>{provider.name}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </SettingsForm>
  );
}
