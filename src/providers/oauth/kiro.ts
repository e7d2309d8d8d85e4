// Kiro login: AWS Builder ID device authorization through AWS SSO OIDC, and token refresh for Builder ID and Kiro's social logins.
//
// Builder ID (RFC 8628 through AWS SSO OIDC, us-east-1), as the official Kiro CLI does it (aws/amazon-q-developer-cli
// crates/chat-cli/src/auth/builder_id.rs and consts.rs; AWS SSO OIDC API reference: RegisterClient, StartDeviceAuthorization,
// CreateToken -- JSON bodies with camelCase fields):
//   POST https://oidc.us-east-1.amazonaws.com/client/register {clientName, clientType: "public", scopes}
//        -> {clientId, clientSecret, clientSecretExpiresAt}
//   POST /device_authorization {clientId, clientSecret, startUrl: "https://view.awsapps.com/start"}
//        -> {deviceCode, userCode, verificationUri, verificationUriComplete, expiresIn, interval}
//   POST /token {clientId, clientSecret, grantType: "urn:ietf:params:oauth:grant-type:device_code", deviceCode}
//        -> {accessToken, refreshToken, expiresIn}; 400 {"error": "authorization_pending" | "slow_down" | "expired_token" | "access_denied"}
//   refresh: POST /token {clientId, clientSecret, grantType: "refresh_token", refreshToken}; 400 invalid_grant = revoked.
// Google/GitHub logins (Kiro's own auth service; consts.rs SOCIAL_AUTH_SERVICE_ENDPOINT, social.rs) refresh with
//   POST https://prod.us-east-1.auth.desktop.kiro.dev/refreshToken {refreshToken} -> {accessToken, refreshToken, expiresIn, profileArn}.
// Those logins need Kiro's fixed loopback redirect, so they come in through "Import from CLI" (kiro/cli-import.ts).
import type { Credentials } from "../../accounts/pool.ts";
import { importKiroCli } from "../kiro/cli-import.ts";
import { declareEndpoints } from "./endpoints.ts";
import { RefreshRevokedError, type FlowContext, type FlowResult, type OAuthFlow } from "./types.ts";

declareEndpoints("kiro", {
  oidc: "https://oidc.us-east-1.amazonaws.com",
  social: "https://prod.us-east-1.auth.desktop.kiro.dev",
  /** CodeWhisperer's runtime, where generateAssistantResponse lives (the catalog's base URL). */
  api: "https://codewhisperer.us-east-1.amazonaws.com",
});

const BUILDER_ID_START_URL = "https://view.awsapps.com/start";
/** The scopes the official Kiro CLI registers for (consts.rs SCOPE_SUFFIXES under "codewhisperer:"). */
const SCOPES = ["codewhisperer:completions", "codewhisperer:analysis", "codewhisperer:conversations"];
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

interface Answer { status: number; body: Record<string, unknown> }

async function postJson(ctx: FlowContext, url: string, body: Record<string, unknown>): Promise<Answer> {
  const res = await ctx.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", "user-agent": "OmniRoute" },
    body: JSON.stringify(body),
    signal: ctx.signal ?? AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = {};
  try { parsed = text ? JSON.parse(text) : {}; } catch { parsed = { message: text.slice(0, 300) }; }
  return { status: res.status, body: parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {} };
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function reason(a: Answer): string {
  return str(a.body.error_description) ?? str(a.body.message) ?? str(a.body.error) ?? `HTTP ${a.status}`;
}

/** The OIDC endpoint of the credential's region (Builder ID lives in us-east-1; IAM Identity Center may not). */
function oidcFor(ctx: FlowContext, region: unknown): string {
  const declared = ctx.endpoint("oidc");
  return typeof region === "string" && /^[a-z]+-[a-z]+-\d+$/.test(region) ? declared.replace("oidc.us-east-1.", `oidc.${region}.`) : declared;
}

function expiry(expiresIn: unknown): number {
  return Date.now() + (typeof expiresIn === "number" ? expiresIn : 3600) * 1000;
}

async function refreshBuilderId(ctx: FlowContext, creds: Credentials): Promise<Credentials> {
  const a = await postJson(ctx, `${oidcFor(ctx, creds.region)}/token`, {
    clientId: creds.clientId, clientSecret: creds.clientSecret, grantType: "refresh_token", refreshToken: creds.refreshToken,
  });
  if (a.status === 200 && str(a.body.accessToken)) {
    return { ...creds, accessToken: str(a.body.accessToken), refreshToken: str(a.body.refreshToken) ?? creds.refreshToken, expiresAt: expiry(a.body.expiresIn) };
  }
  const error = str(a.body.error) ?? "";
  if (a.status === 401 || ["invalid_grant", "expired_token", "invalid_client", "unauthorized_client", "access_denied"].includes(error)) {
    throw new RefreshRevokedError(`AWS Builder ID refused the refresh token: ${reason(a)}`);
  }
  throw new Error(`AWS SSO OIDC answered ${a.status}: ${reason(a)}`);
}

async function refreshSocial(ctx: FlowContext, creds: Credentials): Promise<Credentials> {
  const a = await postJson(ctx, `${ctx.endpoint("social")}/refreshToken`, { refreshToken: creds.refreshToken });
  if (a.status === 200 && str(a.body.accessToken)) {
    return {
      ...creds,
      accessToken: str(a.body.accessToken),
      refreshToken: str(a.body.refreshToken) ?? creds.refreshToken,
      expiresAt: expiry(a.body.expiresIn),
      profileArn: str(a.body.profileArn) ?? creds.profileArn,
    };
  }
  if (a.status === 400 || a.status === 401 || a.status === 403) throw new RefreshRevokedError(`Kiro's login service refused the refresh token: ${reason(a)}`);
  throw new Error(`Kiro's login service answered ${a.status}: ${reason(a)}`);
}

export const kiroFlow: OAuthFlow = {
  provider: "kiro",
  kind: "device",

  async start(ctx) {
    const registered = await postJson(ctx, `${ctx.endpoint("oidc")}/client/register`, { clientName: "OmniRoute", clientType: "public", scopes: SCOPES });
    const clientId = str(registered.body.clientId);
    const clientSecret = str(registered.body.clientSecret);
    if (registered.status !== 200 || !clientId || !clientSecret) throw new Error(`AWS SSO OIDC did not register the client: ${reason(registered)}`);
    const device = await postJson(ctx, `${ctx.endpoint("oidc")}/device_authorization`, { clientId, clientSecret, startUrl: BUILDER_ID_START_URL });
    const deviceCode = str(device.body.deviceCode);
    if (device.status !== 200 || !deviceCode) throw new Error(`AWS SSO OIDC did not start the device authorization: ${reason(device)}`);
    const interval = typeof device.body.interval === "number" ? device.body.interval : 5;
    return {
      start: {
        flow: "device",
        verificationUri: str(device.body.verificationUriComplete) ?? str(device.body.verificationUri),
        userCode: str(device.body.userCode),
        expiresIn: typeof device.body.expiresIn === "number" ? device.body.expiresIn : 600,
        interval,
        instructions: "Open the link, sign in with your AWS Builder ID and confirm the code shown here.",
      },
      pending: { clientId, clientSecret, clientSecretExpiresAt: registered.body.clientSecretExpiresAt, deviceCode },
    };
  },

  async complete(ctx, pending): Promise<FlowResult> {
    const a = await postJson(ctx, `${ctx.endpoint("oidc")}/token`, {
      clientId: pending.clientId, clientSecret: pending.clientSecret, grantType: DEVICE_GRANT, deviceCode: pending.deviceCode,
    });
    const accessToken = str(a.body.accessToken);
    if (a.status === 200 && accessToken) {
      return {
        status: "connected",
        credentials: {
          accessToken,
          refreshToken: str(a.body.refreshToken),
          expiresAt: expiry(a.body.expiresIn),
          authMethod: "builder-id",
          clientId: pending.clientId,
          clientSecret: pending.clientSecret,
          clientSecretExpiresAt: pending.clientSecretExpiresAt,
          region: "us-east-1",
        },
        profile: { plan: "Kiro (AWS Builder ID)", authMethod: "builder-id" },
      };
    }
    const error = str(a.body.error);
    if (error === "authorization_pending" || error === "slow_down") return { status: "pending" };
    if (error === "expired_token") return { status: "failed", error: "The code expired before it was confirmed. Start the login again." };
    if (error === "access_denied") return { status: "failed", error: "The login was denied in the browser." };
    return { status: "failed", error: `AWS Builder ID login failed: ${reason(a)}` };
  },

  refresh(ctx, creds) {
    if (!creds.refreshToken) return Promise.reject(new RefreshRevokedError("this Kiro login has no refresh token"));
    return creds.clientId && creds.clientSecret ? refreshBuilderId(ctx, creds) : refreshSocial(ctx, creds);
  },

  importCli: importKiroCli,
};
