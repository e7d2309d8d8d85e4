// iFlow login: OAuth authorization code at iflow.cn, caught on http://localhost:11451/oauth2callback as iFlow CLI does
// (or the address the browser lands on pasted back), then the API key the user-info endpoint hands out; token refresh;
// import of ~/.iflow/oauth_creds.json.
//
// As iFlow CLI does it (its bundle's iFlow flow, documented in detail by several gateways; router-for-me/CLIProxyAPI
// internal/auth/iflow/iflow_auth.go):
//   authorize: https://iflow.cn/oauth?loginMethod=phone&type=phone&redirect=<http://localhost:11451/oauth2callback>&state&client_id=10009311001
//              (no PKCE); the browser comes back to the redirect with ?code=&state=
//   token:     POST https://iflow.cn/oauth/token, form {grant_type: "authorization_code", code, redirect_uri, client_id,
//              client_secret} with Authorization: Basic base64(client_id:client_secret) -> {access_token, refresh_token,
//              expires_in, token_type, scope}; refresh: the same with {grant_type: "refresh_token", refresh_token}
//   api key:   GET https://iflow.cn/api/oauth/getUserInfo?accessToken=... -> {success, data: {apiKey, email, phone}};
//              the access token only buys this key, which is the bearer for apis.iflow.cn.
// iFlow CLI keeps {access_token, refresh_token, expiry_date, token_type, scope, apiKey} in ~/.iflow/oauth_creds.json.
import type { Credentials } from "../../accounts/pool.ts";
import { GatewayError } from "../../canonical/errors.ts";
import { readCliJson } from "../oauth/cli-files.ts";
import { declareEndpoints } from "../oauth/endpoints.ts";
import { callbackById, listenForCallback } from "../oauth/loopback-callback.ts";
import { parsePastedCode } from "../oauth/pkce.ts";
import { expiryOf, isRecord, postToken, str, TokenEndpointError, type Json } from "../oauth/token-request.ts";
import { RefreshRevokedError, type AccountProfile, type FlowContext, type FlowResult, type OAuthFlow } from "../oauth/types.ts";

declareEndpoints("iflow", {
  authorize: "https://iflow.cn/oauth",
  token: "https://iflow.cn/oauth/token",
  userInfo: "https://iflow.cn/api/oauth/getUserInfo",
  /** The OpenAI-format API the key is for (the catalog's base URL). */
  api: "https://apis.iflow.cn/v1",
  /** iFlow CLI's fixed callback (CLIProxyAPI CallbackPort 11451); the listener binds its port (tests use port 0). */
  callback: "http://localhost:11451/oauth2callback",
});

export const IFLOW_CLIENT_ID = "10009311001";
/** iFlow CLI's public client secret (shipped in the CLI; CLIProxyAPI defaultIFlowClientSecret). */
export const IFLOW_CLIENT_SECRET = "4Z3YjXycVsQvyGF1etiNlIBB4RsqSDtW";
const LOGIN_TTL_MS = 15 * 60_000;

const basic = `Basic ${Buffer.from(`${IFLOW_CLIENT_ID}:${IFLOW_CLIENT_SECRET}`).toString("base64")}`;

/** The API key and who the account is, from an access token. */
export async function iflowUserInfo(ctx: FlowContext, accessToken: string): Promise<{ apiKey: string; email?: string }> {
  const url = `${ctx.endpoint("userInfo")}?accessToken=${encodeURIComponent(accessToken)}`;
  const res = await fetch(url, { headers: { accept: "application/json" }, signal: ctx.signal ?? AbortSignal.timeout(30_000) });
  const body: unknown = await res.json().catch(() => undefined);
  const data = isRecord(body) && body.success === true && isRecord(body.data) ? body.data : undefined;
  const apiKey = str(data?.apiKey);
  if (!res.ok || !apiKey) throw new Error(`iFlow's user info answered ${res.status} without an API key`);
  return { apiKey, email: str(data?.email) ?? str(data?.phone) };
}

async function tokenRequest(ctx: FlowContext, fields: Record<string, string>): Promise<Json> {
  return postToken(ctx, ctx.endpoint("token"), { ...fields, client_id: IFLOW_CLIENT_ID, client_secret: IFLOW_CLIENT_SECRET }, "form", {
    authorization: basic,
  });
}

function credentialsOf(token: Json, apiKey: string, previous: Credentials = {}): Credentials {
  return {
    ...previous,
    accessToken: str(token.access_token),
    refreshToken: str(token.refresh_token) ?? previous.refreshToken,
    expiresAt: expiryOf(token.expires_in) ?? previous.expiresAt,
    apiKey,
  };
}

export const iflowFlow: OAuthFlow = {
  provider: "iflow",
  kind: "pkce",

  async start(ctx) {
    const state = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
    const callback = new URL(ctx.endpoint("callback"));
    // As Codex: the browser comes back to this machine and the login finishes by itself; pasting stays the fallback.
    const listener = listenForCallback({
      ports: [Number(callback.port || 80)],
      path: callback.pathname,
      state,
      ttlMs: LOGIN_TTL_MS,
      redirectHost: callback.hostname,
      doneMessage: "iFlow is connected. You can close this tab and go back to OmniRoute.",
    });
    const redirectUri = listener?.redirectUri ?? callback.toString();
    const query = new URLSearchParams({ loginMethod: "phone", type: "phone", redirect: redirectUri, state, client_id: IFLOW_CLIENT_ID });
    const where = new URL(redirectUri).host;
    return {
      start: {
        flow: "pkce" as const,
        authorizeUrl: `${ctx.endpoint("authorize")}?${query}`,
        expiresIn: LOGIN_TTL_MS / 1000,
        callback: Boolean(listener),
        instructions: listener
          ? `Sign in to iFlow. This finishes by itself when the browser comes back to ${where} on this machine; if the browser runs elsewhere, copy the address it ends on (http://${where}/oauth2callback?code=…) and paste it here.`
          : `Port ${callback.port} on this machine is busy, so the sign-in cannot finish by itself: after you sign in, copy the address the browser ends on (http://${where}/oauth2callback?code=…) and paste it here.`,
      },
      pending: { state, redirectUri, listener: listener?.id },
    };
  },

  async complete(ctx, pending, input): Promise<FlowResult> {
    const listener = callbackById(pending.listener);
    let code: string;
    if (input.code) {
      const pasted = parsePastedCode(input.code);
      if (pasted.error) return { status: "failed", error: `iFlow refused the login: ${pasted.error}` };
      if (pasted.state && pasted.state !== pending.state)
        return { status: "failed", error: "That address belongs to another login attempt (state mismatch); start again." };
      if (!pasted.code)
        return { status: "failed", error: "The pasted text carries no authorization code: paste the whole address the browser ended on." };
      code = pasted.code;
    } else {
      const caught = listener?.caught();
      if (caught?.error) {
        listener?.stop();
        return { status: "failed", error: `iFlow refused the login: ${caught.error}` };
      }
      if (!caught?.code) return { status: "pending" };
      code = caught.code;
    }
    listener?.stop();
    let token: Json;
    try {
      token = await tokenRequest(ctx, { grant_type: "authorization_code", code, redirect_uri: String(pending.redirectUri) });
    } catch (err) {
      if (err instanceof TokenEndpointError) return { status: "failed", error: `iFlow did not accept the code: ${err.message}` };
      throw err;
    }
    const accessToken = str(token.access_token);
    if (!accessToken) return { status: "failed", error: "iFlow's token answer has no access_token" };
    const user = await iflowUserInfo(ctx, accessToken);
    const profile: AccountProfile = { plan: "iFlow (free)", ...(user.email ? { email: user.email } : {}) };
    return { status: "connected", credentials: credentialsOf(token, user.apiKey), profile };
  },

  async refresh(ctx, creds) {
    if (!creds.refreshToken) throw new RefreshRevokedError("this iFlow login has no refresh token");
    let token: Json;
    try {
      token = await tokenRequest(ctx, { grant_type: "refresh_token", refresh_token: creds.refreshToken });
    } catch (err) {
      if (err instanceof TokenEndpointError && (err.status === 400 || err.status === 401))
        throw new RefreshRevokedError(`iFlow refused the refresh token (${err.message})`);
      throw err;
    }
    const accessToken = str(token.access_token);
    if (!accessToken) throw new Error("iFlow's refresh answer has no access_token");
    // The key may have been rotated with the login; keep the old one if user info is down for a moment.
    const apiKey = await iflowUserInfo(ctx, accessToken).then(
      (u) => u.apiKey,
      () => str(creds.apiKey),
    );
    if (!apiKey) throw new Error("iFlow gave no API key for the refreshed login");
    return credentialsOf(token, apiKey, creds);
  },

  async importCli(ctx, json) {
    const file = json ?? (await readCliJson(ctx, ".iflow/oauth_creds.json"));
    if (file === undefined) return undefined;
    if (!isRecord(file) || !str(file.refresh_token)) {
      throw new GatewayError("invalid_request", "This is not iFlow CLI's oauth_creds.json: it has no refresh_token.", {
        param: "credentials",
      });
    }
    const settings = json === undefined ? await readCliJson(ctx, ".iflow/settings.json").catch(() => undefined) : undefined;
    const apiKey = str(file.apiKey) ?? str(file.api_key) ?? (isRecord(settings) ? str(settings.apiKey) : undefined);
    const credentials: Credentials = {
      accessToken: str(file.access_token),
      refreshToken: str(file.refresh_token),
      expiresAt: typeof file.expiry_date === "number" ? file.expiry_date : undefined,
      ...(apiKey ? { apiKey } : { expiresAt: 0 }),
    };
    const email = str(file.email);
    return { credentials, profile: { plan: "iFlow (free)", importedFrom: "iFlow CLI", ...(email ? { email } : {}) } };
  },
};
