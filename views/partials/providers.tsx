// Provider accounts: the connect form, the list of connected accounts with Test/Edit/Enable/Delete, and the edit form.
/** @jsxImportSource hono/jsx */
import type { ConnectionView } from "../../src/accounts/connection-service.ts";
import type { ConnectionTestResult } from "../../src/accounts/connection-test.ts";
import type { ProviderSpec } from "../../src/providers/types.ts";
import { hx } from "../components/attrs.ts";
import { Badge } from "../components/card.tsx";
import { FormMessage, type FieldErrors } from "../components/form.tsx";
import { ConfigFileWins, FromConfigFile } from "../components/config-origin.tsx";
import { localQuotaRules, type TrackedWindow } from "../../src/accounts/quota.ts";

const PER: Record<TrackedWindow["name"], string> = { "5h": "5 h", daily: "day", weekly: "week", monthly: "month" };
const WINDOW_LABEL: Record<TrackedWindow["name"], string> = {
  "5h": "5 hours",
  daily: "per day (UTC)",
  weekly: "7 days",
  monthly: "per month (UTC)",
};
import { NeedsLogin } from "./oauth-connect.tsx";
import { QuotaWindows } from "./quota-windows.tsx";
import { ScopedField, domId } from "./scoped-field.tsx";

type Values = Record<string, string | undefined>;
/** An account row: the connection, with its quota windows when the page knows them. */
export type AccountRow = ConnectionView & { quotas?: TrackedWindow[]; fromConfigFile?: boolean };
type SpecInfo = Pick<ProviderSpec, "id" | "name" | "authType" | "baseUrl">;

const enc = encodeURIComponent;

/** "3 min ago" for a timestamp, "never" for none. */
export function ago(at: number | null, now = Date.now()): string {
  if (!at) return "never";
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

function limitsText(limits: ConnectionView["limits"]): string {
  const parts: string[] = [];
  if (limits?.rpm) parts.push(`${limits.rpm} req/min`);
  if (limits?.minIntervalMs) parts.push(`${limits.minIntervalMs} ms apart`);
  if (limits?.maxConcurrent) parts.push(`${limits.maxConcurrent} at once`);
  for (const [window, n] of Object.entries(limits?.quota ?? {}))
    if (n) parts.push(`plan: ${n.toLocaleString("en")} per ${PER[window as TrackedWindow["name"]]}`);
  return parts.length ? parts.join(", ") : "none";
}

export function ConnectForm(props: { spec: SpecInfo; errors?: FieldErrors; values?: Values; ok?: string }) {
  const { spec, errors, values } = props;
  const scope = domId("connect", spec.id);
  const oauth = spec.authType === "oauth";
  return (
    <form
      id={scope}
      class="connect-form"
      {...hx({ post: `/dashboard/partials/providers/${enc(spec.id)}/connections`, target: `#${scope}`, swap: "outerHTML" })}
    >
      {oauth ? (
        <p class="note">
          <small>An access token from {spec.name}'s official tool also works, pasted below (it is not refreshed: prefer signing in).</small>
        </p>
      ) : null}
      <div class="grid">
        <ScopedField scope={scope} name="name" label="Name (optional)" value={values?.name} placeholder={spec.name} errors={errors} />
        <ScopedField
          scope={scope}
          name="apiKey"
          type="password"
          autocomplete="off"
          errors={errors}
          label={oauth ? "Access token" : spec.authType === "none" ? "API key (optional)" : "API key"}
          required={spec.authType !== "none"}
        />
      </div>
      <div class="grid">
        <ScopedField
          scope={scope}
          name="baseUrl"
          label="Base URL (optional)"
          type="url"
          value={values?.baseUrl}
          placeholder={spec.baseUrl}
          errors={errors}
          help="Empty: the provider's own."
        />
        <ScopedField
          scope={scope}
          name="priority"
          label="Priority (optional)"
          type="number"
          min={0}
          max={1000}
          value={values?.priority}
          errors={errors}
          help="Lower numbers are tried first."
        />
      </div>
      <FormMessage error={errors?._form} ok={props.ok} />
      <button type="submit">Connect {spec.name}</button>
    </form>
  );
}

/** "2 connected" in the provider's summary line, kept current out of band when accounts change. */
export function ConnectedCount(props: { providerId: string; connections: AccountRow[]; oob?: boolean }) {
  const total = props.connections.length;
  const inactive = props.connections.filter((c) => !c.isActive).length;
  const relogin = props.connections.filter((c) => c.metadata?.needsLogin === true).length;
  return (
    <span id={domId("count", props.providerId)} {...(props.oob ? { "hx-swap-oob": "true" } : {})}>
      {total ? (
        <Badge kind={relogin ? "warn" : "ok"}>
          {total} connected{inactive ? `, ${inactive} off` : ""}
          {relogin ? `, ${relogin} need${relogin === 1 ? "s" : ""} login` : ""}
        </Badge>
      ) : (
        <small class="muted">not connected</small>
      )}
    </span>
  );
}

export function ConnectionList(props: { providerId: string; connections: AccountRow[]; oob?: boolean }) {
  const id = domId("connections", props.providerId);
  const oob = props.oob ? { "hx-swap-oob": "true" } : {};
  return (
    <div id={id} {...oob}>
      {props.connections.length ? (
        <ul class="connections">
          {props.connections.map((c) => (
            <ConnectionItem conn={c} />
          ))}
        </ul>
      ) : (
        <p class="muted">No account connected yet.</p>
      )}
    </div>
  );
}

/** Who an OAuth login is (email, plan), never its tokens. */
function loginText(c: ConnectionView): string {
  const m = c.metadata ?? {};
  const who = typeof m.email === "string" ? m.email : "signed in";
  return typeof m.plan === "string" ? `${who} (${m.plan})` : who;
}

export function ConnectionItem({ conn: c }: { conn: AccountRow }) {
  const list = `#${domId("connections", c.provider)}`;
  const needsLogin = c.metadata?.needsLogin === true;
  const oauthLogin = c.authType === "oauth" && !c.apiKey;
  return (
    <li id={`conn-${c.id}`} class="connection">
      <p class="connection-head">
        <strong>{c.name}</strong>{" "}
        {needsLogin ? (
          <Badge kind="bad">needs login</Badge>
        ) : c.isActive ? (
          <Badge kind="ok">active</Badge>
        ) : (
          <Badge kind="warn">inactive</Badge>
        )}
        {c.fromConfigFile ? (
          <>
            {" "}
            <FromConfigFile />
          </>
        ) : null}
      </p>
      {needsLogin ? (
        <NeedsLogin providerId={c.provider} reason={typeof c.metadata?.loginError === "string" ? c.metadata.loginError : undefined} />
      ) : null}
      <dl class="facts">
        {oauthLogin ? (
          <div>
            <dt>Login</dt>
            <dd>{loginText(c)}</dd>
          </div>
        ) : (
          <div>
            <dt>Key</dt>
            <dd>
              <code>{c.apiKey ?? "none"}</code>
            </dd>
          </div>
        )}
        <div>
          <dt>Priority</dt>
          <dd>{c.priority}</dd>
        </div>
        <div>
          <dt>Limits</dt>
          <dd>{limitsText(c.limits)}</dd>
        </div>
        <div>
          <dt>Last used</dt>
          <dd title={c.lastUsedAt ? new Date(c.lastUsedAt).toISOString() : undefined}>{ago(c.lastUsedAt)}</dd>
        </div>
        {c.baseUrl ? (
          <div>
            <dt>Base URL</dt>
            <dd>
              <code>{c.baseUrl}</code>
            </dd>
          </div>
        ) : null}
      </dl>
      {c.quotas?.length ? <QuotaWindows windows={c.quotas} /> : null}
      <div class="actions">
        <button
          type="button"
          class="small"
          aria-label={`Test ${c.name}`}
          {...hx({ post: `/dashboard/partials/connections/${c.id}/test`, target: `#test-${c.id}`, swap: "innerHTML" })}
        >
          Test{" "}
          <span class="spinner" aria-hidden="true">
            …
          </span>
        </button>
        <button
          type="button"
          class="small secondary outline"
          aria-label={`Edit ${c.name}`}
          {...hx({ get: `/dashboard/partials/connections/${c.id}/edit`, target: `#conn-${c.id}`, swap: "outerHTML" })}
        >
          Edit
        </button>
        <button
          type="button"
          class="small secondary outline"
          aria-label={`${c.isActive ? "Disable" : "Enable"} ${c.name}`}
          {...hx({
            post: `/dashboard/partials/connections/${c.id}/active`,
            vals: { isActive: c.isActive ? "false" : "true" },
            target: list,
            swap: "outerHTML",
          })}
        >
          {c.isActive ? "Disable" : "Enable"}
        </button>
        <button
          type="button"
          class="small secondary outline danger"
          aria-label={`Delete ${c.name}`}
          {...hx({
            delete: `/dashboard/partials/connections/${c.id}`,
            target: list,
            swap: "outerHTML",
            confirm: `Delete the account "${c.name}"? Requests stop using it at once.`,
          })}
        >
          Delete
        </button>
      </div>
      <p id={`test-${c.id}`} class="test-result" role="status" aria-live="polite"></p>
    </li>
  );
}

export function TestResult({ result }: { result: ConnectionTestResult }) {
  if (result.ok)
    return (
      <span>
        <Badge kind="ok">OK</Badge> answered in {result.latencyMs} ms{result.model ? ` (${result.model})` : ""}
      </span>
    );
  return (
    <span>
      <Badge kind="bad">failed</Badge> <span class="field-error">{result.error ?? "Unknown error"}</span>
      {result.latencyMs ? <small class="muted"> after {result.latencyMs} ms</small> : null}
    </span>
  );
}

/** The edit form in place of the account's item; 422 re-renders it, success re-renders the provider's list. */
export function ConnectionEditForm(props: { conn: AccountRow; errors?: FieldErrors; values?: Values }) {
  const { conn: c, errors } = props;
  const scope = `edit-${c.id}`;
  const v = props.values ?? {
    name: c.name,
    baseUrl: c.baseUrl ?? "",
    priority: String(c.priority),
    "limits.rpm": c.limits?.rpm?.toString(),
    "limits.minIntervalMs": c.limits?.minIntervalMs?.toString(),
    "limits.maxConcurrent": c.limits?.maxConcurrent?.toString(),
    ...Object.fromEntries(Object.entries(c.limits?.quota ?? {}).map(([w, n]) => [`limits.quota.${w}`, n?.toString()])),
  };
  const windows = localQuotaRules(c.provider);
  return (
    <li id={`conn-${c.id}`} class="connection editing">
      <form
        {...hx({
          put: `/dashboard/partials/connections/${c.id}`,
          target: `#${domId("connections", c.provider)}`,
          swap: "outerHTML",
          status: { 422: `target:#conn-${c.id} swap:outerHTML` },
        })}
      >
        <p class="connection-head">
          <strong>Edit {c.name}</strong>
        </p>
        {c.fromConfigFile ? <ConfigFileWins /> : null}
        <div class="grid">
          <ScopedField scope={scope} name="name" label="Name" value={v.name} required errors={errors} />
          <ScopedField
            scope={scope}
            name="apiKey"
            label="New API key"
            type="password"
            autocomplete="off"
            placeholder={c.apiKey ? `keep ${c.apiKey}` : ""}
            errors={errors}
            help="Empty: keep the current one."
          />
        </div>
        <div class="grid">
          <ScopedField
            scope={scope}
            name="baseUrl"
            label="Base URL"
            type="url"
            value={v.baseUrl}
            errors={errors}
            help="Empty: the provider's own."
          />
          <ScopedField scope={scope} name="priority" label="Priority" type="number" min={0} max={1000} value={v.priority} errors={errors} />
        </div>
        <fieldset>
          <legend>
            Limits <small class="muted">(empty: no limit)</small>
          </legend>
          <div class="grid">
            <ScopedField
              scope={scope}
              name="limits.rpm"
              label="Requests per minute"
              type="number"
              min={0}
              value={v["limits.rpm"]}
              errors={errors}
            />
            <ScopedField
              scope={scope}
              name="limits.minIntervalMs"
              label="Min. interval (ms)"
              type="number"
              min={0}
              value={v["limits.minIntervalMs"]}
              errors={errors}
            />
            <ScopedField
              scope={scope}
              name="limits.maxConcurrent"
              label="Max. concurrent"
              type="number"
              min={0}
              value={v["limits.maxConcurrent"]}
              errors={errors}
            />
          </div>
          {windows.map((w) => (
            <ScopedField
              scope={scope}
              name={`limits.quota.${w.name}`}
              type="number"
              min={1}
              value={v[`limits.quota.${w.name}`]}
              errors={errors}
              label={`Plan limit, ${WINDOW_LABEL[w.name]} (${w.unit})`}
              help={`Counted here. Empty: ${w.limit !== undefined ? `the default ${w.limit.toLocaleString("en")}` : "counted and shown, never closes the account by itself"}; when used up, routing skips the account until the window resets.`}
            />
          ))}
        </fieldset>
        <FormMessage error={errors?._form} />
        <div class="actions">
          <button type="submit" class="small">
            Save
          </button>
          <button
            type="button"
            class="small secondary outline"
            {...hx({ get: `/dashboard/partials/connections/${c.id}`, target: `#conn-${c.id}`, swap: "outerHTML" })}
          >
            Cancel
          </button>
        </div>
      </form>
    </li>
  );
}
