// Codex (ChatGPT Plus/Pro) login: PKCE against auth.openai.com, the code caught on http://localhost:1455/auth/callback or pasted.
//
// As the Codex CLI does it (openai/codex codex-rs/login/src/server.rs, auth/manager.rs, token_data.rs): issuer
// https://auth.openai.com, client id app_EMoamEEZ73f0CkXaXp7hrann, `/oauth/authorize` with S256 PKCE,
// `id_token_add_organizations=true`, `codex_cli_simplified_flow=true`, `originator=codex_cli_rs`; the code is
// exchanged form-encoded at `/oauth/token` for id_token, access_token, refresh_token; refresh is a JSON POST of
// {client_id, grant_type: "refresh_token", refresh_token}, and a 401 or the codes refresh_token_expired /
// refresh_token_reused / refresh_token_invalidated mean a new login. The id_token's claims give `email` and,
// under "https://api.openai.com/auth", chatgpt_account_id and chatgpt_plan_type. ~/.codex/auth.json holds
// {OPENAI_API_KEY, tokens: {id_token, access_token, refresh_token, account_id}, last_refresh}.
import { GatewayError } from "../../canonical/errors.ts";
import type { Credentials } from "../../accounts/pool.ts";
import { jwtClaims, jwtExpiry, readCliJson } from "../oauth/cli-files.ts";
import { declareEndpoints } from "../oauth/endpoints.ts";
import { callbackById, listenForCallback } from "../oauth/loopback-callback.ts";
import { parsePastedCode, pkcePair, randomUrlSafe } from "../oauth/pkce.ts";
import { expiryOf, isRecord, postToken, str, TokenEndpointError, type Json } from "../oauth/token-request.ts";
import { RefreshRevokedError, type AccountProfile, type OAuthFlow } from "../oauth/types.ts";

const CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
const SCOPES = "openid profile email offline_access";
const AUTH_CLAIMS = "https://api.openai.com/auth";
const PROFILE_CLAIMS = "https://api.openai.com/profile";
/** The port the Codex CLI falls back to when 1455 is taken (also on OpenAI's redirect allow-list). */
const FALLBACK_PORT = 1457;
const LOGIN_TTL_MS = 10 * 60_000;
const REVOKED_CODES = new Set(["refresh_token_expired", "refresh_token_reused", "refresh_token_invalidated", "invalid_grant"]);

declareEndpoints("codex", {
  authorize: "https://auth.openai.com/oauth/authorize",
  token: "https://auth.openai.com/oauth/token",
  /** Where the browser comes back; its port is the one the listener binds (tests use port 0). */
  callback: "http://localhost:1455/auth/callback",
});

/** Email, plan and ChatGPT account id from the id_token (or the access token, which carries the same auth claims). */
export function codexIdentity(idToken: string | undefined, accessToken?: string): { email?: string; plan?: string; accountId?: string } {
  const id = jwtClaims(idToken) ?? {};
  const access = jwtClaims(accessToken) ?? {};
  const auth = isRecord(id[AUTH_CLAIMS]) ? id[AUTH_CLAIMS] : isRecord(access[AUTH_CLAIMS]) ? access[AUTH_CLAIMS] : {};
  const profile = isRecord(id[PROFILE_CLAIMS]) ? id[PROFILE_CLAIMS] : isRecord(access[PROFILE_CLAIMS]) ? access[PROFILE_CLAIMS] : {};
  return { email: str(id.email) ?? str(profile.email), plan: str(auth.chatgpt_plan_type), accountId: str(auth.chatgpt_account_id) };
}

function credentialsFrom(token: Json, previous?: Credentials): Credentials {
  const accessToken = str(token.access_token) ?? previous?.accessToken;
  if (!accessToken) throw new TokenEndpointError(200, undefined, "token endpoint answered without an access_token");
  const idToken = str(token.id_token) ?? (typeof previous?.idToken === "string" ? previous.idToken : undefined);
  const accountId =
    codexIdentity(idToken, accessToken).accountId ?? (typeof previous?.accountId === "string" ? previous.accountId : undefined);
  return {
    accessToken,
    refreshToken: str(token.refresh_token) ?? previous?.refreshToken,
    expiresAt: jwtExpiry(accessToken) ?? expiryOf(token.expires_in),
    ...(idToken ? { idToken } : {}),
    ...(accountId ? { accountId } : {}),
  };
}

function profileOf(credentials: Credentials): AccountProfile {
  const who = codexIdentity(typeof credentials.idToken === "string" ? credentials.idToken : undefined, credentials.accessToken);
  return { email: who.email, ...(who.plan ? { plan: who.plan } : {}), ...(who.accountId ? { accountId: who.accountId } : {}) };
}

export const codexFlow: OAuthFlow = {
  provider: "codex",
  kind: "pkce",

  async start(ctx) {
    const { verifier, challenge } = pkcePair();
    const state = randomUrlSafe(32);
    const callback = new URL(ctx.endpoint("callback"));
    const port = Number(callback.port || 80);
    const listener = listenForCallback({
      ports: port === 1455 ? [port, FALLBACK_PORT] : [port],
      path: callback.pathname,
      state,
      ttlMs: LOGIN_TTL_MS,
      redirectHost: callback.hostname,
      doneMessage: "Codex is connected. You can close this tab and go back to OmniRoute.",
    });
    const redirectUri = listener?.redirectUri ?? callback.toString();
    const url = new URL(ctx.endpoint("authorize"));
    for (const [k, v] of Object.entries({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: redirectUri,
      scope: SCOPES,
      code_challenge: challenge,
      code_challenge_method: "S256",
      id_token_add_organizations: "true",
      codex_cli_simplified_flow: "true",
      state,
      originator: "codex_cli_rs",
    }))
      url.searchParams.set(k, v);
    const where = new URL(redirectUri).host;
    return {
      start: {
        flow: "pkce",
        authorizeUrl: url.toString(),
        expiresIn: LOGIN_TTL_MS / 1000,
        callback: Boolean(listener),
        instructions: listener
          ? `Sign in with your ChatGPT account. This finishes by itself when the browser comes back to ${where} on this machine; if the browser runs elsewhere, copy the address it ends on (http://${where}/auth/callback?code=…) and paste it here.`
          : `Port ${callback.port || port} on this machine is busy, so the sign-in cannot finish by itself: after you approve, copy the address the browser ends on (http://${where}/auth/callback?code=…) and paste it here.`,
      },
      pending: { verifier, state, redirectUri, listener: listener?.id },
    };
  },

  async complete(ctx, pending, { code }) {
    const listener = callbackById(pending.listener);
    let authCode: string | undefined;
    if (code) {
      const pasted = parsePastedCode(code);
      if (pasted.error) return { status: "failed", error: `OpenAI refused the login: ${pasted.error}` };
      if (pasted.state && pasted.state !== pending.state)
        return { status: "failed", error: "This code belongs to another login attempt; start again." };
      authCode = pasted.code;
      if (!authCode) return { status: "failed", error: "Paste the whole address the browser ended on (it contains ?code=…)." };
    } else {
      const caught = listener?.caught();
      if (caught?.error) {
        listener?.stop();
        return { status: "failed", error: `OpenAI refused the login: ${caught.error}` };
      }
      if (!caught?.code) return { status: "pending" };
      authCode = caught.code;
    }
    listener?.stop();
    let token: Json;
    try {
      token = await postToken(
        ctx,
        ctx.endpoint("token"),
        {
          grant_type: "authorization_code",
          code: authCode,
          redirect_uri: String(pending.redirectUri),
          client_id: CLIENT_ID,
          code_verifier: String(pending.verifier),
        },
        "form",
      );
    } catch (err) {
      if (err instanceof TokenEndpointError && err.status >= 400 && err.status < 500) {
        return {
          status: "failed",
          error: `OpenAI did not accept the code (${err.message}); it may have expired or been used already. Start again.`,
        };
      }
      throw err;
    }
    const credentials = credentialsFrom(token);
    return { status: "connected", credentials, profile: profileOf(credentials) };
  },

  async refresh(ctx, credentials) {
    if (!credentials.refreshToken) throw new RefreshRevokedError("there is no refresh token for this account");
    try {
      const token = await postToken(
        ctx,
        ctx.endpoint("token"),
        { client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: credentials.refreshToken },
        "json",
      );
      return credentialsFrom(token, credentials);
    } catch (err) {
      if (
        err instanceof TokenEndpointError &&
        (err.status === 401 || (err.code !== undefined && REVOKED_CODES.has(err.code.toLowerCase())))
      ) {
        const why =
          err.code === "refresh_token_reused"
            ? "the refresh token was already used (by another copy of this login)"
            : err.code === "refresh_token_expired"
              ? "the refresh token has expired"
              : "the refresh token was revoked";
        throw new RefreshRevokedError(`OpenAI refused the refresh: ${why}`);
      }
      throw err;
    }
  },

  async importCli(ctx, json) {
    const file = json === undefined ? await readCliJson(ctx, ".codex/auth.json") : json;
    if (file === undefined) return undefined;
    const tokens = isRecord(file) && isRecord(file.tokens) ? file.tokens : undefined;
    if (!tokens || !str(tokens.access_token)) {
      const apiKeyOnly = isRecord(file) && str(file.OPENAI_API_KEY);
      throw new GatewayError(
        "invalid_request",
        apiKeyOnly
          ? "This Codex login uses an OpenAI API key, not a ChatGPT account: add that key to the OpenAI provider instead."
          : "This is not a Codex credential file: it has no tokens.access_token. Log in with `codex login` first, or paste ~/.codex/auth.json.",
        { param: "credentials" },
      );
    }
    const credentials = credentialsFrom(tokens);
    if (!credentials.accountId && str(tokens.account_id)) credentials.accountId = str(tokens.account_id);
    return { credentials, profile: { ...profileOf(credentials), importedFrom: "~/.codex/auth.json" } };
  },
};
