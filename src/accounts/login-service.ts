// Logins as a service the API (/api/oauth) and the dashboard share: start, complete (pasted code or polling), import a CLI's file.
// A login of an account already connected (same account id or email) renews that connection and clears "needs login".
import { createOAuthConnection, connectionView, type ConnectionView } from "./connection-service.ts";
import { GatewayError } from "../canonical/errors.ts";
import { listConnections, updateConnection, type ConnectionRow } from "../db/queries/connections.ts";
import type { Credentials } from "./pool.ts";
import type { LoginSessions } from "../providers/oauth/sessions.ts";
import type { Health } from "./health.ts";
import type { FlowDeps } from "../providers/oauth/flow-context.ts";
import type { ConnectionDeps } from "./connection-service.ts";
import { flowFor } from "../providers/login-flows.ts";
import { flowContext } from "../providers/oauth/flow-context.ts";
import type { AccountProfile, FlowStart, OAuthFlow } from "../providers/oauth/types.ts";

/** Logins run their flow, keep their attempt between start and complete, and save the connection they make. */
export interface LoginDeps extends ConnectionDeps, FlowDeps {
  loginSessions: LoginSessions;
  health: Health;
}

export type LoginOutcome =
  | { status: "pending" }
  | { status: "failed"; error: string }
  | { status: "connected"; connection: ConnectionView; renewed: boolean };

export function requireFlow(deps: LoginDeps, name: string): OAuthFlow {
  const spec = deps.providers.get(name);
  const flow = spec && flowFor(spec.id);
  if (!flow)
    throw new GatewayError(
      "not_found",
      `Provider "${name}" has no OAuth login. OAuth providers: Claude Code, Codex, Gemini CLI, GitHub Copilot, Qwen, Kiro, iFlow.`,
      { code: "no_oauth_flow" },
    );
  return flow;
}

/** A provider's auth server that cannot be reached is a 502 with the reason. */
async function reaching<T>(provider: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new GatewayError(
      "unreachable",
      `Could not reach ${provider}'s login service: ${err instanceof Error ? err.message : String(err)}`,
      { code: "oauth_unreachable" },
    );
  }
}

export async function startLogin(deps: LoginDeps, provider: string, method?: string): Promise<FlowStart & { provider: string }> {
  const flow = requireFlow(deps, provider);
  if (method !== undefined && !flow.methods?.some((m) => m.id === method)) {
    const offered = flow.methods?.map((m) => `"${m.id}"`).join(", ");
    throw new GatewayError(
      "invalid_request",
      offered
        ? `${flow.provider} has no login method "${method}"; use one of ${offered}.`
        : `${flow.provider} has a single login method: leave method out.`,
      { param: "method", code: "unknown_login_method" },
    );
  }
  const { start, pending } = await reaching(flow.provider, () =>
    flow.start(flowContext(deps, flow.provider), method ? { method } : undefined),
  );
  const state = deps.loginSessions.open(flow.provider, pending, start.expiresIn ? start.expiresIn * 1000 : undefined);
  return { ...start, state, provider: flow.provider };
}

export async function completeLogin(deps: LoginDeps, provider: string, input: { state: string; code?: string }): Promise<LoginOutcome> {
  const flow = requireFlow(deps, provider);
  const session = deps.loginSessions.get(input.state, flow.provider);
  if (!session)
    throw new GatewayError("invalid_request", "This login has expired or was already used; start again.", {
      param: "state",
      code: "login_expired",
    });
  const result = await reaching(flow.provider, () =>
    flow.complete(flowContext(deps, flow.provider), session.pending, { code: input.code }),
  );
  if (result.status === "pending") return result;
  deps.loginSessions.close(input.state);
  if (result.status === "failed") return result;
  return { status: "connected", ...(await saveLogin(deps, flow.provider, result.credentials, result.profile)) };
}

/** The CLI's own credential file: `credentials` as pasted, or read from the home folder when undefined. */
export async function importLogin(
  deps: LoginDeps,
  provider: string,
  credentials: unknown,
): Promise<{ connection: ConnectionView; renewed: boolean }> {
  const flow = requireFlow(deps, provider);
  if (!flow.importCli)
    throw new GatewayError("invalid_request", `${flow.provider} has no CLI credential file to import.`, { code: "no_cli_import" });
  const imported = await reaching(flow.provider, () => flow.importCli!(flowContext(deps, flow.provider), credentials));
  if (!imported) {
    throw new GatewayError(
      "not_found",
      `No ${flow.provider} CLI credentials were found on this machine; log in with the official CLI first, or paste its credential file.`,
      { code: "cli_credentials_not_found" },
    );
  }
  return saveLogin(deps, flow.provider, imported.credentials, imported.profile);
}

/** The connection this login is for: the same account id, else the same email, of the same provider. */
function sameAccount(rows: ConnectionRow[], profile: AccountProfile): ConnectionRow | undefined {
  const id = typeof profile.accountId === "string" ? profile.accountId : undefined;
  const email = typeof profile.email === "string" ? profile.email.toLowerCase() : undefined;
  return rows.find((r) => {
    const m = r.metadata ?? {};
    if (r.authType !== "oauth") return false;
    if (id && typeof m.accountId === "string") return m.accountId === id;
    return email !== undefined && typeof m.email === "string" && m.email.toLowerCase() === email;
  });
}

/** Store a completed login: renew the account's connection when it exists, else add one named by its email. */
export async function saveLogin(
  deps: LoginDeps,
  provider: string,
  credentials: Credentials,
  profile: AccountProfile,
): Promise<{ connection: ConnectionView; renewed: boolean }> {
  const existing = sameAccount(await listConnections(deps.store, provider), profile);
  if (!existing) return { connection: await createOAuthConnection(deps, provider, credentials, profile), renewed: false };
  const { needsLogin: _n, loginError: _e, loginErrorAt: _a, ...kept } = existing.metadata ?? {};
  const row = await updateConnection(deps.store, existing.id, {
    credentials: deps.secrets.seal(JSON.stringify(credentials)),
    metadata: { ...kept, ...profile, renewedAt: Date.now() },
  });
  if (!row) return { connection: await createOAuthConnection(deps, provider, credentials, profile), renewed: false };
  // The auth cooldown of the old credential no longer applies.
  deps.health.cooldowns.reset(new Set([existing.id]));
  await deps.accounts.changed();
  return { connection: connectionView(deps, row), renewed: true };
}
