// Google OAuth for the Gemini CLI's installed-app client: code exchange, refresh, and who the account is.
//
// Facts from google-gemini/gemini-cli packages/core/src/code_assist/oauth2.ts: the client id and secret
// below (an "installed application" client, whose secret Google says is not treated as a secret), the
// scopes cloud-platform + userinfo.email + userinfo.profile, `access_type=offline`, the loopback redirect
// `http://127.0.0.1:<free port>/oauth2callback` checked against `state`, and the user's email read from
// https://www.googleapis.com/oauth2/v2/userinfo. The authorize and token URLs are google-auth-library's
// OAuth2Client defaults (GOOGLE_OAUTH2_AUTH_BASE_URL_ / GOOGLE_OAUTH2_TOKEN_URL_).
import type { Credentials } from "../../accounts/pool.ts";
import { jwtClaims } from "../oauth/cli-files.ts";
import { declareEndpoints } from "../oauth/endpoints.ts";
import { expiryOf, postToken, str, TokenEndpointError, type Json } from "../oauth/token-request.ts";
import { RefreshRevokedError, type FlowContext } from "../oauth/types.ts";

export const GEMINI_CLI_PROVIDER = "gemini-cli";

export const GOOGLE_CLIENT_ID = "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com";
export const GOOGLE_CLIENT_SECRET = "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";
export const GOOGLE_SCOPES = [
  "https://www.googleapis.com/auth/cloud-platform",
  "https://www.googleapis.com/auth/userinfo.email",
  "https://www.googleapis.com/auth/userinfo.profile",
];

declareEndpoints(GEMINI_CLI_PROVIDER, {
  authorize: "https://accounts.google.com/o/oauth2/v2/auth",
  token: "https://oauth2.googleapis.com/token",
  userinfo: "https://www.googleapis.com/oauth2/v2/userinfo",
  // CODE_ASSIST_ENDPOINT in gemini-cli's code_assist/server.ts; methods are `<base>/v1internal:<method>`.
  codeAssist: "https://cloudcode-pa.googleapis.com",
});

const USERINFO_TIMEOUT_MS = 20_000;

function credentialsFrom(answer: Json, previous: Credentials | undefined, now = Date.now()): Credentials {
  const accessToken = str(answer.access_token);
  if (!accessToken) throw new TokenEndpointError(502, undefined, "Google's token answer has no access_token");
  const refreshToken = str(answer.refresh_token) ?? previous?.refreshToken;
  const expiresAt = expiryOf(answer.expires_in, now);
  return {
    accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    tokenType: str(answer.token_type) ?? "Bearer",
  };
}

/** The authorization code (caught on the loopback or pasted) for tokens. */
export async function exchangeCode(
  ctx: FlowContext,
  code: string,
  redirectUri: string,
  verifier: string,
): Promise<{ credentials: Credentials; idToken?: string }> {
  const answer = await postToken(
    ctx,
    ctx.endpoint("token"),
    {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: GOOGLE_CLIENT_ID,
      client_secret: GOOGLE_CLIENT_SECRET,
      code_verifier: verifier,
    },
    "form",
  );
  return { credentials: credentialsFrom(answer, undefined), idToken: str(answer.id_token) };
}

/**
 * A new access token from the refresh token. Google answers `invalid_grant` ("Token has been expired or
 * revoked.") when the user revoked access or the token lapsed: the account then needs a new login.
 */
export async function refreshGoogleToken(ctx: FlowContext, credentials: Credentials): Promise<Credentials> {
  if (!credentials.refreshToken) throw new RefreshRevokedError("no refresh token is stored for this account");
  try {
    const answer = await postToken(
      ctx,
      ctx.endpoint("token"),
      {
        grant_type: "refresh_token",
        refresh_token: credentials.refreshToken,
        client_id: GOOGLE_CLIENT_ID,
        client_secret: GOOGLE_CLIENT_SECRET,
      },
      "form",
    );
    return credentialsFrom(answer, credentials);
  } catch (err) {
    if (err instanceof TokenEndpointError && (err.code === "invalid_grant" || err.code === "unauthorized_client")) {
      throw new RefreshRevokedError(`Google refused the refresh token: ${err.message}`);
    }
    throw err;
  }
}

export interface GoogleUser {
  email?: string;
  name?: string;
}

/** The signed-in user's email and name (never fatal: an account without them is still usable). */
export async function fetchGoogleUser(ctx: FlowContext, accessToken: string): Promise<GoogleUser> {
  try {
    const timeout = AbortSignal.timeout(USERINFO_TIMEOUT_MS);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
    const res = await fetch(ctx.endpoint("userinfo"), { headers: { authorization: `Bearer ${accessToken}` }, signal });
    if (!res.ok) return {};
    const body = (await res.json()) as { email?: unknown; name?: unknown };
    return {
      ...(typeof body.email === "string" ? { email: body.email } : {}),
      ...(typeof body.name === "string" ? { name: body.name } : {}),
    };
  } catch {
    return {};
  }
}

/** The email claim of an OpenID id_token, read without verifying (only to name the account). */
export function emailFromIdToken(idToken: unknown): string | undefined {
  return str(jwtClaims(str(idToken))?.email);
}
