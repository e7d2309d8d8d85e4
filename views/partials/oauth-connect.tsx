// "Connect with <provider>" on the Providers page: the sign-in link and paste-code form (PKCE), or the device code with
/** @jsxImportSource hono/jsx */
// polling; "Import from CLI"; and the step's outcome (connected, or what went wrong and how to start again).
import type { ConnectionView } from "../../src/accounts/connection-service.ts";
import type { FlowStart } from "../../src/providers/oauth/types.ts";
import { hx } from "../components/attrs.ts";
import { domId } from "./scoped-field.tsx";

export interface OAuthInfo {
  kind: "pkce" | "device";
  cliImport: boolean;
  /** Several ways to sign in (Kiro): one button each. */
  methods?: ReadonlyArray<{ id: string; label: string }>;
}

const enc = encodeURIComponent;
const stepId = (providerId: string) => domId("oauth-step", providerId);
const path = (providerId: string, action: string) => `/dashboard/partials/oauth/${enc(providerId)}/${action}`;

function StartButton({
  providerId,
  label,
  secondary,
  method,
}: {
  providerId: string;
  label: string;
  secondary?: boolean;
  method?: string;
}) {
  return (
    <button
      type="button"
      class={secondary ? "small secondary outline" : undefined}
      {...hx({
        post: path(providerId, "start"),
        target: `#${stepId(providerId)}`,
        swap: "innerHTML",
        ...(method ? { vals: { method } } : {}),
      })}
    >
      {label}{" "}
      <span class="spinner" aria-hidden="true">
        …
      </span>
    </button>
  );
}

export function OAuthConnect({ providerId, name, oauth }: { providerId: string; name: string; oauth: OAuthInfo }) {
  const step = stepId(providerId);
  return (
    <div class="oauth-connect">
      <div class="actions">
        {oauth.methods?.length ? (
          oauth.methods.map((m, i) => (
            <StartButton providerId={providerId} label={`Connect with ${name} (${m.label})`} method={m.id} secondary={i > 0} />
          ))
        ) : (
          <StartButton providerId={providerId} label={`Connect with ${name}`} />
        )}
        {oauth.cliImport ? (
          <button
            type="button"
            class="secondary outline"
            {...hx({ post: path(providerId, "import"), target: `#${step}`, swap: "innerHTML" })}
          >
            Import from CLI
          </button>
        ) : null}
      </div>
      {oauth.cliImport ? (
        <p>
          <small class="muted">
            Import uses the login of the official CLI on the machine running OmniRoute; both then share it, and when one refreshes it the
            other may have to log in again.
          </small>
        </p>
      ) : null}
      <div id={step} class="oauth-step" role="status" aria-live="polite"></div>
      {oauth.cliImport ? (
        <details class="oauth-paste-file">
          <summary>
            <small>The official CLI is logged in on another machine? Paste its credential file</small>
          </summary>
          <form {...hx({ post: path(providerId, "import"), target: `#${step}`, swap: "innerHTML" })}>
            <label>
              Credential file contents (JSON)
              <textarea name="credentials" rows={4} autocomplete="off" spellcheck={false} required></textarea>
            </label>
            <button type="submit" class="small">
              Import
            </button>
          </form>
        </details>
      ) : null}
    </div>
  );
}

/** Polls /complete while the login finishes elsewhere; a 204 (still pending) keeps it polling, an outcome replaces the step. */
function Poller({ providerId, state, seconds }: { providerId: string; state: string; seconds: number }) {
  return (
    <div
      class="oauth-poll"
      {...hx({
        post: path(providerId, "complete"),
        vals: { state },
        trigger: `every ${seconds}s`,
        target: `#${stepId(providerId)}`,
        swap: "innerHTML",
      })}
    >
      <small class="muted">Waiting for the sign-in to finish…</small>
    </div>
  );
}

export function PkceStep({ providerId, start }: { providerId: string; start: FlowStart }) {
  return (
    <div class="oauth-pkce">
      <p>
        <a href={start.authorizeUrl} target="_blank" rel="noopener noreferrer" role="button" class="small">
          Open the sign-in page
        </a>
      </p>
      {start.instructions ? (
        <p>
          <small>{start.instructions}</small>
        </p>
      ) : null}
      {start.callback ? <Poller providerId={providerId} state={start.state} seconds={2} /> : null}
      <form {...hx({ post: path(providerId, "complete"), target: `#${stepId(providerId)}`, swap: "innerHTML" })}>
        <input type="hidden" name="state" value={start.state} />
        <label>
          {start.callback ? "Or paste the address the browser ended on" : "Paste the code shown after you approve"}
          <input
            name="code"
            type="text"
            autocomplete="off"
            spellcheck={false}
            required
            placeholder={start.callback ? "http://localhost:1455/auth/callback?code=…" : (start.pasteExample ?? "code#state")}
          />
        </label>
        <button type="submit" class="small">
          Finish connecting
        </button>
      </form>
    </div>
  );
}

export function DeviceStep({ providerId, start }: { providerId: string; start: FlowStart }) {
  return (
    <div class="oauth-device">
      <p>
        Go to{" "}
        <a href={start.verificationUri} target="_blank" rel="noopener noreferrer">
          {start.verificationUri}
        </a>{" "}
        and enter this code:
      </p>
      <p class="device-code">
        <code>{start.userCode}</code>
      </p>
      {start.instructions ? (
        <p>
          <small>{start.instructions}</small>
        </p>
      ) : null}
      <Poller providerId={providerId} state={start.state} seconds={Math.max(1, start.interval ?? 5)} />
    </div>
  );
}

export function ConnectedStep({ conn, renewed }: { conn: ConnectionView; renewed: boolean }) {
  const plan = typeof conn.metadata?.plan === "string" ? conn.metadata.plan : undefined;
  return (
    <p class="form-message ok" role="status">
      {renewed ? "Logged in again" : "Connected"}: <strong>{conn.name}</strong>
      {plan ? ` (${plan} plan)` : ""}.
    </p>
  );
}

export function FailedStep({ providerId, name, error }: { providerId: string; name: string; error: string }) {
  return (
    <div class="oauth-failed">
      <p class="form-message error" role="alert">
        {error}
      </p>
      <StartButton providerId={providerId} label={`Start again: connect with ${name}`} secondary />
    </div>
  );
}

/** In an account's row: its login is dead; say why and offer the same login again (it renews this connection). */
export function NeedsLogin({ providerId, reason }: { providerId: string; reason?: string }) {
  return (
    <div class="needs-login note" role="alert">
      <p>
        <strong>Needs login — reconnect.</strong> {reason ? <small>{reason}</small> : null} Routing skips this account until you log in
        again.
      </p>
      <button type="button" class="small" {...hx({ post: path(providerId, "start"), target: `#${stepId(providerId)}`, swap: "innerHTML" })}>
        Reconnect
      </button>
    </div>
  );
}
