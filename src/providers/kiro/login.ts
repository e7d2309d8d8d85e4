// Kiro login: AWS Builder ID device authorization through AWS SSO OIDC, Google/GitHub sign-in at Kiro's auth service, and token refresh for both.
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
// Google/GitHub logins (Kiro's own auth service; consts.rs SOCIAL_AUTH_SERVICE_ENDPOINT, social.rs), PKCE S256:
//   GET  https://prod.us-east-1.auth.desktop.kiro.dev/login?idp=Google|Github&redirect_uri=kiro://kiro.kiroAgent/authenticate-success
//        &code_challenge&code_challenge_method=S256&state (the redirect is the only one Kiro's Cognito client allows: a
//        custom scheme no listener here can catch, so the user pastes the kiro://…?code=…&state=… address the browser
//        could not open; the same flow other gateways use);
//   POST /oauth/token {code, code_verifier, redirect_uri} -> {accessToken, refreshToken, profileArn, expiresIn};
//   refresh: POST /refreshToken {refreshToken} -> {accessToken, refreshToken, expiresIn, profileArn}.
// "Import from CLI" (kiro/cli-import.ts) stays the way in for a login Kiro's own apps already hold.
import type { Credentials } from "../../accounts/pool.ts";
import { importKiroCli } from "./cli-import.ts";
import { declareEndpoints } from "../oauth/endpoints.ts";
import { parsePastedCode, pkcePair, randomUrlSafe } from "../oauth/pkce.ts";
import { RefreshRevokedError, type FlowContext, type FlowResult, type OAuthFlow } from "../oauth/types.ts";

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
const SOCIAL_REDIRECT_URI = "kiro://kiro.kiroAgent/authenticate-success";
/** Kiro's names of its social identity providers, by login method id. */
const SOCIAL_IDP: Record<string, "Google" | "Github"> = { google: "Google", github: "Github" };
const SOCIAL_LABEL: Record<"Google" | "Github", string> = { Google: "Google", Github: "GitHub" };

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function postJson(ctx: FlowContext, url: string, body: Record<string, unknown>): Promise<Answer> {
  const res = await ctx.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", "user-agent": "OmniRoute" },
    body: JSON.stringify(body),
    signal: ctx.signal ?? AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { message: text.slice(0, 300) };
  }
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
  return typeof region === "string" && /^[a-z]+-[a-z]+-\d+$/.test(region)
    ? declared.replace("oidc.us-east-1.", `oidc.${region}.`)
    : declared;
}

function expiry(expiresIn: unknown): number {
  return Date.now() + (typeof expiresIn === "number" ? expiresIn : 3600) * 1000;
}

async function refreshBuilderId(ctx: FlowContext, creds: Credentials): Promise<Credentials> {
  const a = await postJson(ctx, `${oidcFor(ctx, creds.region)}/token`, {
    clientId: creds.clientId,
    clientSecret: creds.clientSecret,
    grantType: "refresh_token",
    refreshToken: creds.refreshToken,
  });
  if (a.status === 200 && str(a.body.accessToken)) {
    return {
      ...creds,
      accessToken: str(a.body.accessToken),
      refreshToken: str(a.body.refreshToken) ?? creds.refreshToken,
      expiresAt: expiry(a.body.expiresIn),
    };
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
  if (a.status === 400 || a.status === 401 || a.status === 403)
    throw new RefreshRevokedError(`Kiro's login service refused the refresh token: ${reason(a)}`);
  throw new Error(`Kiro's login service answered ${a.status}: ${reason(a)}`);
}

/** A Google or GitHub sign-in at Kiro's auth service: the kiro:// address the browser ends on is pasted back. */
function startSocial(ctx: FlowContext, idp: "Google" | "Github") {
  const { verifier, challenge } = pkcePair();
  const state = randomUrlSafe(32);
  const url = new URL(`${ctx.endpoint("social")}/login`);
  url.searchParams.set("idp", idp);
  url.searchParams.set("redirect_uri", SOCIAL_REDIRECT_URI);
  url.searchParams.set("code_challenge", challenge);
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("state", state);
  if (idp === "Google") url.searchParams.set("prompt", "select_account");
  return {
    start: {
      flow: "pkce" as const,
      authorizeUrl: url.toString(),
      expiresIn: 600,
      pasteExample: `${SOCIAL_REDIRECT_URI}?code=…`,
      instructions: `Sign in with ${SOCIAL_LABEL[idp]}. The browser then tries to open a kiro:// address and cannot (that is expected): copy that address from the address bar (kiro://kiro.kiroAgent/authenticate-success?code=…) and paste it here.`,
    },
    pending: { method: "social", idp, verifier, state },
  };
}

async function completeSocial(ctx: FlowContext, pending: Record<string, unknown>, pastedText: string | undefined): Promise<FlowResult> {
  if (!pastedText) return { status: "pending" };
  const pasted = parsePastedCode(pastedText);
  if (pasted.error) return { status: "failed", error: `Kiro refused the login: ${pasted.error}` };
  if (pasted.state && pasted.state !== pending.state)
    return { status: "failed", error: "That address belongs to another login attempt (state mismatch); start again." };
  if (!pasted.code) return { status: "failed", error: "Paste the whole kiro://… address the browser ended on (it contains ?code=…)." };
  const a = await postJson(ctx, `${ctx.endpoint("social")}/oauth/token`, {
    code: pasted.code,
    code_verifier: pending.verifier,
    redirect_uri: SOCIAL_REDIRECT_URI,
  });
  const accessToken = str(a.body.accessToken);
  if (a.status !== 200 || !accessToken) {
    if (a.status >= 400 && a.status < 500)
      return {
        status: "failed",
        error: `Kiro did not accept the code (${reason(a)}); it may have expired or been used already. Start again.`,
      };
    throw new Error(`Kiro's login service answered ${a.status}: ${reason(a)}`);
  }
  const idp = pending.idp === "Github" ? "Github" : "Google";
  return {
    status: "connected",
    credentials: {
      accessToken,
      refreshToken: str(a.body.refreshToken),
      expiresAt: expiry(a.body.expiresIn),
      profileArn: str(a.body.profileArn),
      authMethod: "social",
      socialProvider: idp,
      region: "us-east-1",
    },
    profile: { plan: `Kiro (${SOCIAL_LABEL[idp]})`, authMethod: "social" },
  };
}

export const kiroFlow: OAuthFlow = {
  provider: "kiro",
  kind: "device",
  methods: [
    { id: "builder-id", label: "AWS Builder ID" },
    { id: "google", label: "Google" },
    { id: "github", label: "GitHub" },
  ],

  async start(ctx, options) {
    const idp = options?.method ? SOCIAL_IDP[options.method] : undefined;
    if (idp) return startSocial(ctx, idp);
    const registered = await postJson(ctx, `${ctx.endpoint("oidc")}/client/register`, {
      clientName: "OmniRoute",
      clientType: "public",
      scopes: SCOPES,
    });
    const clientId = str(registered.body.clientId);
    const clientSecret = str(registered.body.clientSecret);
    if (registered.status !== 200 || !clientId || !clientSecret)
      throw new Error(`AWS SSO OIDC did not register the client: ${reason(registered)}`);
    const device = await postJson(ctx, `${ctx.endpoint("oidc")}/device_authorization`, {
      clientId,
      clientSecret,
      startUrl: BUILDER_ID_START_URL,
    });
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

  async complete(ctx, pending, input): Promise<FlowResult> {
    if (pending.method === "social") return completeSocial(ctx, pending, input.code);
    const a = await postJson(ctx, `${ctx.endpoint("oidc")}/token`, {
      clientId: pending.clientId,
      clientSecret: pending.clientSecret,
      grantType: DEVICE_GRANT,
      deviceCode: pending.deviceCode,
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
