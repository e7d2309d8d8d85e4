// GitHub's side of Copilot: the device flow, the Copilot token exchange, the user and the Copilot usage report.
//
// Device flow (docs.github.com "Authorizing OAuth apps" > device flow, RFC 8628): POST
// https://github.com/login/device/code {client_id, scope} -> {device_code, user_code, verification_uri,
// expires_in, interval}; then POST https://github.com/login/oauth/access_token {client_id, device_code,
// grant_type: urn:ietf:params:oauth:grant-type:device_code} answers 200 with either {access_token, token_type,
// scope} or {error: authorization_pending | slow_down (+ new `interval`, 5 s more) | expired_token |
// access_denied | ..., error_description}. Both need `Accept: application/json`.
// The client id is the Copilot GitHub app's (Iv1.b507a08c87ecfe98) with scope read:user, as copilot.vim,
// ericc-ch/copilot-api (src/lib/api-config.ts) and Roo-Code (packages/types/src/providers/copilot.ts) use it.
// Copilot token: GET https://api.github.com/copilot_internal/v2/token with `Authorization: token <github
// token>` -> {token, expires_at (epoch s), refresh_in (s), endpoints: {api, ...}, sku, ...}; 401 = the GitHub
// token is revoked, 403/404 = the account has no Copilot. Usage: GET https://api.github.com/copilot_internal/user
// (ericc-ch/copilot-api src/services/github/get-copilot-usage.ts) -> {copilot_plan, quota_reset_date,
// quota_snapshots: {chat, completions, premium_interactions: {entitlement, remaining, percent_remaining,
// unlimited, overage_permitted, ...}}}. Neither copilot_internal endpoint is publicly documented.
import { declareEndpoints } from "../oauth/endpoints.ts";
import { postToken } from "../oauth/token-request.ts";
import { RefreshRevokedError, type FlowContext } from "../oauth/types.ts";

export const GITHUB_COPILOT_PROVIDER = "github";
export const COPILOT_CLIENT_ID = "Iv1.b507a08c87ecfe98";
export const COPILOT_SCOPE = "read:user";

/** The VS Code Copilot Chat identity (ericc-ch/copilot-api api-config.ts sends these on GitHub and Copilot calls). */
export const EDITOR_PLUGIN_VERSION = "copilot-chat/0.26.7";
export const COPILOT_USER_AGENT = "GitHubCopilotChat/0.26.7";
export const EDITOR_VERSION = "vscode/1.99.0";

declareEndpoints(GITHUB_COPILOT_PROVIDER, {
  deviceCode: "https://github.com/login/device/code",
  accessToken: "https://github.com/login/oauth/access_token",
  copilotToken: "https://api.github.com/copilot_internal/v2/token",
  user: "https://api.github.com/user",
  copilotUser: "https://api.github.com/copilot_internal/user",
});

const TIMEOUT_MS = 20_000;

function signalFor(ctx: FlowContext): AbortSignal {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  return ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
}

/** Headers for api.github.com calls made with the user's GitHub token. */
export function githubHeaders(githubToken: string): Record<string, string> {
  return {
    authorization: `token ${githubToken}`,
    accept: "application/json",
    "editor-version": EDITOR_VERSION,
    "editor-plugin-version": EDITOR_PLUGIN_VERSION,
    "user-agent": COPILOT_USER_AGENT,
  };
}

export interface DeviceCode {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  expiresIn: number;
  interval: number;
}

export async function requestDeviceCode(ctx: FlowContext): Promise<DeviceCode> {
  const body = await postToken(ctx, ctx.endpoint("deviceCode"), { client_id: COPILOT_CLIENT_ID, scope: COPILOT_SCOPE }, "json", {
    "user-agent": COPILOT_USER_AGENT,
  });
  if (typeof body.error === "string") throw new Error(`GitHub refused the device code: ${String(body.error_description ?? body.error)}`);
  const { device_code, user_code, verification_uri, expires_in, interval } = body;
  if (typeof device_code !== "string" || typeof user_code !== "string" || typeof verification_uri !== "string") {
    throw new Error("GitHub's device code answer lacks device_code, user_code or verification_uri");
  }
  return {
    deviceCode: device_code,
    userCode: user_code,
    verificationUri: verification_uri,
    expiresIn: typeof expires_in === "number" ? expires_in : 900,
    interval: typeof interval === "number" ? interval : 5,
  };
}

export type DevicePoll =
  | { status: "token"; githubToken: string }
  | { status: "pending"; interval?: number }
  | { status: "failed"; error: string };

/** One poll of the access-token endpoint, read per RFC 8628 §3.5. */
export async function pollDeviceToken(ctx: FlowContext, deviceCode: string, interval: number): Promise<DevicePoll> {
  const body = await postToken(
    ctx,
    ctx.endpoint("accessToken"),
    {
      client_id: COPILOT_CLIENT_ID,
      device_code: deviceCode,
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
    },
    "json",
    { "user-agent": COPILOT_USER_AGENT },
  );
  if (typeof body.access_token === "string" && body.access_token) return { status: "token", githubToken: body.access_token };
  const description = typeof body.error_description === "string" ? body.error_description : "";
  switch (body.error) {
    case "authorization_pending":
      return { status: "pending" };
    case "slow_down":
      return { status: "pending", interval: typeof body.interval === "number" ? body.interval : interval + 5 };
    case "expired_token":
      return { status: "failed", error: "The code expired before it was entered; start the GitHub login again." };
    case "access_denied":
      return { status: "failed", error: "The GitHub authorization was declined." };
    default:
      return {
        status: "failed",
        error: `GitHub refused the login: ${String(body.error ?? "no token in its answer")}${description ? ` (${description})` : ""}`,
      };
  }
}

export interface CopilotToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The Copilot API base for this account (individual, business or enterprise). */
  apiBase?: string;
  sku?: string;
}

/** The account has no Copilot (or no longer has it): not fixed by logging in again. */
export class NoCopilotAccessError extends Error {
  override name = "NoCopilotAccessError";
}

/** The short-lived Copilot token for a GitHub token ("refreshing" Copilot is doing this again). */
export async function exchangeCopilotToken(ctx: FlowContext, githubToken: string, now = Date.now()): Promise<CopilotToken> {
  const res = await fetch(ctx.endpoint("copilotToken"), { headers: githubHeaders(githubToken), signal: signalFor(ctx) });
  const text = await res.text();
  if (res.status === 401)
    throw new RefreshRevokedError(`GitHub no longer accepts this account's token (${res.status}: ${text.slice(0, 200)})`);
  if (res.status === 403 || res.status === 404) {
    throw new NoCopilotAccessError(`This GitHub account has no Copilot access (${res.status}: ${text.slice(0, 200)})`);
  }
  if (!res.ok) throw new Error(`GitHub's Copilot token endpoint answered ${res.status}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as {
    token?: unknown;
    expires_at?: unknown;
    refresh_in?: unknown;
    endpoints?: { api?: unknown };
    sku?: unknown;
  };
  if (typeof body.token !== "string" || !body.token) throw new Error("GitHub's Copilot token answer has no token");
  const expiresAt =
    typeof body.expires_at === "number"
      ? body.expires_at * 1000
      : now + (typeof body.refresh_in === "number" ? body.refresh_in + 60 : 25 * 60) * 1000;
  return {
    token: body.token,
    expiresAt,
    ...(typeof body.endpoints?.api === "string" && body.endpoints.api ? { apiBase: body.endpoints.api.replace(/\/+$/, "") } : {}),
    ...(typeof body.sku === "string" ? { sku: body.sku } : {}),
  };
}

export interface GithubUser {
  /** GitHub's numeric user id, stable across renames. */
  id?: string;
  login?: string;
  name?: string;
  email?: string;
}

export async function fetchGithubUser(ctx: FlowContext, githubToken: string): Promise<GithubUser> {
  try {
    const res = await fetch(ctx.endpoint("user"), { headers: githubHeaders(githubToken), signal: signalFor(ctx) });
    if (!res.ok) return {};
    const body = (await res.json()) as { id?: unknown; login?: unknown; name?: unknown; email?: unknown };
    return {
      ...(typeof body.id === "number" || typeof body.id === "string" ? { id: String(body.id) } : {}),
      ...(typeof body.login === "string" ? { login: body.login } : {}),
      ...(typeof body.name === "string" && body.name ? { name: body.name } : {}),
      ...(typeof body.email === "string" && body.email ? { email: body.email } : {}),
    };
  } catch {
    return {};
  }
}

/** The raw copilot_internal/user report, or undefined when it cannot be read. */
export async function fetchCopilotUsage(ctx: FlowContext, githubToken: string): Promise<unknown> {
  try {
    const res = await fetch(ctx.endpoint("copilotUser"), { headers: githubHeaders(githubToken), signal: signalFor(ctx) });
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}
