// Gemini CLI login: Google OAuth with a loopback redirect (or the code / final URL pasted), and CLI import.
//
// The flow of gemini-cli's authWithWeb (packages/core/src/code_assist/oauth2.ts): authorize with
// access_type=offline and `state`, catch `code` on http://127.0.0.1:<port>/oauth2callback, exchange it.
// Two additions: PKCE (S256, which gemini-cli's own user-code flow sends and Google accepts for installed
// apps) and prompt=consent, because Google returns a refresh token only on a consent screen and this client
// id is the CLI's own: a user who already signed in to the CLI would otherwise get no refresh token.
import { join } from "node:path";
import type { Credentials } from "../../accounts/pool.ts";
import { GatewayError } from "../../canonical/errors.ts";
import {
  emailFromIdToken,
  exchangeCode,
  fetchGoogleUser,
  GEMINI_CLI_PROVIDER,
  GOOGLE_CLIENT_ID,
  GOOGLE_SCOPES,
  refreshGoogleToken,
} from "./google-oauth.ts";
import { setupCodeAssist } from "./project.ts";
import { readCliJson } from "../oauth/cli-files.ts";
import { callbackById, listenForCallback } from "../oauth/loopback-callback.ts";
import { parsePastedCode, pkcePair, randomUrlSafe } from "../oauth/pkce.ts";
import { TokenEndpointError } from "../oauth/token-request.ts";
import { REFRESH_AHEAD_MS } from "../oauth/tokens.ts";
import { RefreshRevokedError, type AccountProfile, type FlowContext, type FlowResult, type OAuthFlow } from "../oauth/types.ts";

/** How long a login attempt (and its loopback listener) lives. */
const LOGIN_TTL_S = 600;

/** What the loopback caught, or what was pasted: a bare code, or the whole address the browser ended on. */
function received(input: string | undefined, pending: Record<string, unknown>): { code: string } | { error: string } | undefined {
  if (!input) {
    const caught = callbackById(pending.callbackId)?.caught();
    if (!caught) return undefined;
    return caught.code ? { code: caught.code } : { error: `Google OAuth error: ${caught.error ?? "no code"}` };
  }
  const pasted = parsePastedCode(input);
  if (pasted.error) return { error: `Google OAuth error: ${pasted.error}` };
  if (pasted.state !== undefined && pasted.state !== pending.state)
    return { error: "That address belongs to another login attempt (state mismatch); start again." };
  return pasted.code ? { code: pasted.code } : { error: "Nothing that looks like an authorization code was pasted." };
}

/** The email and plan of a signed-in account, and its Code Assist project when it can be set up now. */
async function profileOf(ctx: FlowContext, credentials: Credentials, idToken?: unknown, fallbackEmail?: string): Promise<AccountProfile> {
  const user = await fetchGoogleUser(ctx, String(credentials.accessToken));
  const email = user.email ?? emailFromIdToken(idToken) ?? fallbackEmail;
  const profile: AccountProfile = { ...(email ? { email } : {}), ...(user.name ? { name: user.name } : {}) };
  try {
    // Done here so the account shows its plan at once; when it fails, the adapter tries again on first use.
    const project = await setupCodeAssist({
      base: ctx.endpoint("codeAssist"),
      accessToken: String(credentials.accessToken),
      signal: ctx.signal,
      sleep: ctx.sleep,
    });
    Object.assign(profile, { projectId: project.projectId, tierId: project.tierId, plan: project.tierName ?? project.tierId });
  } catch (err) {
    profile.setupError = err instanceof Error ? err.message : String(err);
  }
  return profile;
}

/** The CLI's active account in ~/.gemini/google_accounts.json ({"active": email, "old": [...]}, gemini-cli's UserAccountManager). */
async function activeCliAccount(ctx: FlowContext): Promise<string | undefined> {
  const accounts = await readCliJson(ctx, join(".gemini", "google_accounts.json")).catch(() => undefined);
  const active = (accounts as { active?: unknown } | undefined)?.active;
  return typeof active === "string" && active ? active : undefined;
}

export const geminiCliFlow: OAuthFlow = {
  provider: GEMINI_CLI_PROVIDER,
  kind: "pkce",

  async start(ctx) {
    const state = randomUrlSafe(32);
    const { verifier, challenge } = pkcePair();
    // A free port each time, as gemini-cli's getAvailablePort does (Google accepts any loopback port for installed apps).
    const listener = listenForCallback({
      ports: [0],
      path: "/oauth2callback",
      state,
      ttlMs: LOGIN_TTL_S * 1000,
      redirectHost: "127.0.0.1",
      doneMessage: "Your Google account is connected to the gateway. You can close this tab.",
    });
    if (!listener) throw new Error("could not open a loopback port for Google's redirect");
    const url = new URL(ctx.endpoint("authorize"));
    url.search = new URLSearchParams({
      client_id: GOOGLE_CLIENT_ID,
      redirect_uri: listener.redirectUri,
      response_type: "code",
      scope: GOOGLE_SCOPES.join(" "),
      access_type: "offline",
      prompt: "consent",
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    }).toString();
    return {
      pending: { state, verifier, callbackId: listener.id, redirectUri: listener.redirectUri },
      start: {
        flow: "pkce",
        authorizeUrl: url.toString(),
        expiresIn: LOGIN_TTL_S,
        // The loopback catches the code by itself: poll complete without a code until it has.
        interval: 2,
        instructions:
          "Sign in with Google in the browser; this page notices when you are done. If the browser ends on an address it cannot open " +
          "(127.0.0.1 when the gateway runs on another machine), copy that whole address and paste it here.",
      },
    };
  },

  async complete(ctx, pending, input): Promise<FlowResult> {
    const got = received(input.code, pending);
    if (!got) return { status: "pending" };
    callbackById(pending.callbackId)?.stop();
    if ("error" in got) return { status: "failed", error: got.error };
    // One exchange per login even when a poll and a paste race: the code is single-use.
    pending.exchange ??= exchangeCode(ctx, got.code, String(pending.redirectUri), String(pending.verifier));
    try {
      const { credentials, idToken } = await (pending.exchange as ReturnType<typeof exchangeCode>);
      if (!credentials.refreshToken) return { status: "failed", error: "Google sent no refresh token; start the login again." };
      return { status: "connected", credentials, profile: await profileOf(ctx, credentials, idToken) };
    } catch (err) {
      if (err instanceof TokenEndpointError && err.status >= 400 && err.status < 500)
        return { status: "failed", error: `Google refused the code: ${err.message}` };
      throw err;
    }
  },

  refresh: (ctx, credentials) => refreshGoogleToken(ctx, credentials),

  async importCli(ctx, json) {
    const raw = json ?? (await readCliJson(ctx, join(".gemini", "oauth_creds.json")));
    if (raw === undefined) return undefined;
    // google-auth-library's Credentials as gemini-cli caches them: {access_token, refresh_token, scope, token_type, id_token, expiry_date}.
    const file = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const refreshToken = typeof file.refresh_token === "string" && file.refresh_token ? file.refresh_token : undefined;
    if (!refreshToken) {
      throw new GatewayError(
        "invalid_request",
        'Not a Gemini CLI login: ~/.gemini/oauth_creds.json with a refresh_token is expected (log in with `gemini` and choose "Login with Google").',
        { param: "credentials" },
      );
    }
    let credentials: Credentials = {
      ...(typeof file.access_token === "string" && file.access_token ? { accessToken: file.access_token } : {}),
      refreshToken,
      ...(typeof file.expiry_date === "number" ? { expiresAt: file.expiry_date } : {}),
      tokenType: typeof file.token_type === "string" ? file.token_type : "Bearer",
    };
    if (!credentials.accessToken || (credentials.expiresAt ?? 0) - Date.now() < REFRESH_AHEAD_MS) {
      try {
        credentials = await refreshGoogleToken(ctx, credentials);
      } catch (err) {
        if (err instanceof RefreshRevokedError || err instanceof TokenEndpointError) {
          throw new GatewayError(
            "authentication",
            `The Gemini CLI login on this machine no longer works (${err.message}); log in again with \`gemini\`.`,
            { code: "cli_login_expired" },
          );
        }
        throw err;
      }
    }
    return { credentials, profile: await profileOf(ctx, credentials, file.id_token, await activeCliAccount(ctx)) };
  },
};
