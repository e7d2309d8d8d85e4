// Claude Code (Pro/Max) login: OAuth authorization code with PKCE, the user pastes back the `code#state` Anthropic shows.
//
// Facts as Claude Code itself uses them (client id, endpoints, scopes, the `code=true` paste flow whose
// callback page shows `code#state`, the JSON token exchange carrying `state`, the refresh grant), read in
// badlogic/pi-mono packages/ai/src/utils/oauth/anthropic.ts, router-for-me/CLIProxyAPI
// internal/auth/claude/anthropic_auth.go (token answer: access_token, refresh_token, expires_in,
// account.{uuid,email_address}, organization.{uuid,name}) and public notes on the CLI 2.x constants (the token
// host moved from console.anthropic.com to platform.claude.com). The profile endpoint (`account.email`,
// `has_claude_max` / `has_claude_pro`) and ~/.claude/.credentials.json (`claudeAiOauth`: accessToken,
// refreshToken, expiresAt in ms, scopes, subscriptionType) as usage tools that read them document.
import { GatewayError } from "../../canonical/errors.ts";
import type { Credentials } from "../../accounts/pool.ts";
import { readCliJson } from "../oauth/cli-files.ts";
import { declareEndpoints } from "../oauth/endpoints.ts";
import { parsePastedCode, pkcePair, randomUrlSafe } from "../oauth/pkce.ts";
import { expiryOf, isRecord, postToken, str, TokenEndpointError, type Json } from "../oauth/token-request.ts";
import { RefreshRevokedError, type AccountProfile, type FlowContext, type OAuthFlow } from "../oauth/types.ts";

const CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
/** Anthropic's hosted callback page: it shows the code as `code#state` for the user to paste. */
export const CLAUDE_REDIRECT_URI = "https://platform.claude.com/oauth/code/callback";
const SCOPES = "org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload";
/** The beta flag every OAuth-token call to api.anthropic.com carries. */
export const CLAUDE_OAUTH_BETA = "oauth-2025-04-20";
const LOGIN_TTL_S = 10 * 60;

declareEndpoints("claude", {
  authorize: "https://claude.ai/oauth/authorize",
  token: "https://platform.claude.com/v1/oauth/token",
  profile: "https://api.anthropic.com/api/oauth/profile",
});

/** The plan from the profile endpoint's flags (Max wins over Pro). */
function planOf(profile: Json): string | undefined {
  const account = isRecord(profile.account) ? profile.account : {};
  if (account.has_claude_max === true) return "max";
  if (account.has_claude_pro === true) return "pro";
  const org = isRecord(profile.organization) ? str(profile.organization.organization_type) : undefined;
  return org?.replace(/^claude_/, "");
}

/** Who the token belongs to, from /api/oauth/profile; best effort (a login still succeeds without it). */
async function fetchProfile(ctx: FlowContext, accessToken: string): Promise<AccountProfile> {
  try {
    const res = await fetch(ctx.endpoint("profile"), {
      headers: { authorization: `Bearer ${accessToken}`, "anthropic-beta": CLAUDE_OAUTH_BETA, accept: "application/json" },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) return {};
    const body: unknown = await res.json();
    if (!isRecord(body)) return {};
    const account = isRecord(body.account) ? body.account : {};
    const org = isRecord(body.organization) ? body.organization : {};
    return { email: str(account.email), name: str(account.display_name), plan: planOf(body), organization: str(org.name) };
  } catch {
    return {};
  }
}

function credentialsFrom(token: Json, previous?: Credentials): Credentials {
  const accessToken = str(token.access_token);
  if (!accessToken) throw new TokenEndpointError(200, undefined, "token endpoint answered without an access_token");
  return {
    accessToken,
    refreshToken: str(token.refresh_token) ?? previous?.refreshToken,
    expiresAt: expiryOf(token.expires_in),
    ...(str(token.scope) ? { scopes: str(token.scope)!.split(" ") } : {}),
  };
}

/** Email and plan from the token answer, completed by the profile endpoint. Never secret. */
async function profileOf(ctx: FlowContext, token: Json, accessToken: string): Promise<AccountProfile> {
  const account = isRecord(token.account) ? token.account : {};
  const org = isRecord(token.organization) ? token.organization : {};
  const fetched = await fetchProfile(ctx, accessToken);
  return {
    email: fetched.email ?? str(account.email_address),
    ...(fetched.plan ? { plan: fetched.plan } : {}),
    ...(fetched.name ? { name: fetched.name } : {}),
    ...((fetched.organization ?? str(org.name)) ? { organization: fetched.organization ?? str(org.name) } : {}),
    ...(str(account.uuid) ? { accountId: str(account.uuid) } : {}),
  };
}

export const claudeCodeFlow: OAuthFlow = {
  provider: "claude",
  kind: "pkce",

  async start(ctx) {
    const { verifier, challenge } = pkcePair();
    const state = randomUrlSafe(32);
    const url = new URL(ctx.endpoint("authorize"));
    for (const [k, v] of Object.entries({
      code: "true",
      client_id: CLIENT_ID,
      response_type: "code",
      redirect_uri: CLAUDE_REDIRECT_URI,
      scope: SCOPES,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state,
    }))
      url.searchParams.set(k, v);
    return {
      start: {
        flow: "pkce",
        authorizeUrl: url.toString(),
        expiresIn: LOGIN_TTL_S,
        instructions:
          "Sign in with your Claude Pro or Max account and approve; Anthropic then shows a code (it looks like code#state). Paste it here.",
      },
      pending: { verifier, state },
    };
  },

  async complete(ctx, pending, { code }) {
    if (!code) return { status: "pending" };
    const pasted = parsePastedCode(code);
    if (pasted.error) return { status: "failed", error: `Anthropic refused the login: ${pasted.error}` };
    if (!pasted.code)
      return {
        status: "failed",
        error: "That does not look like the code Anthropic shows after you approve; paste it whole (code#state).",
      };
    if (pasted.state && pasted.state !== pending.state)
      return { status: "failed", error: "This code belongs to another login attempt; start again and paste the code from this one." };
    let token: Json;
    try {
      token = await postToken(
        ctx,
        ctx.endpoint("token"),
        {
          grant_type: "authorization_code",
          code: pasted.code,
          state: String(pending.state),
          client_id: CLIENT_ID,
          redirect_uri: CLAUDE_REDIRECT_URI,
          code_verifier: String(pending.verifier),
        },
        "json",
      );
    } catch (err) {
      if (err instanceof TokenEndpointError && err.status >= 400 && err.status < 500) {
        return {
          status: "failed",
          error: `Anthropic did not accept the code (${err.message}); it may have expired or been used already. Start again.`,
        };
      }
      throw err;
    }
    const credentials = credentialsFrom(token);
    return { status: "connected", credentials, profile: await profileOf(ctx, token, credentials.accessToken!) };
  },

  async refresh(ctx, credentials) {
    if (!credentials.refreshToken) throw new RefreshRevokedError("there is no refresh token for this account");
    try {
      const token = await postToken(
        ctx,
        ctx.endpoint("token"),
        { grant_type: "refresh_token", refresh_token: credentials.refreshToken, client_id: CLIENT_ID },
        "json",
      );
      return credentialsFrom(token, credentials);
    } catch (err) {
      // invalid_grant (400) or 401: the refresh token was revoked, expired or already used.
      if (err instanceof TokenEndpointError && (err.status === 400 || err.status === 401 || err.code === "invalid_grant")) {
        throw new RefreshRevokedError(`Anthropic refused the refresh token: ${err.message}`);
      }
      throw err;
    }
  },

  async importCli(ctx, json) {
    const file = json === undefined ? await readCliJson(ctx, ".claude/.credentials.json") : json;
    if (file === undefined) return undefined;
    const oauth = isRecord(file) && isRecord(file.claudeAiOauth) ? file.claudeAiOauth : undefined;
    if (!oauth || !str(oauth.accessToken)) {
      throw new GatewayError(
        "invalid_request",
        "This is not a Claude Code credential file: it has no claudeAiOauth.accessToken. Log in with `claude` first, or paste ~/.claude/.credentials.json.",
        { param: "credentials" },
      );
    }
    const credentials: Credentials = {
      accessToken: str(oauth.accessToken),
      refreshToken: str(oauth.refreshToken),
      expiresAt: typeof oauth.expiresAt === "number" ? oauth.expiresAt : undefined,
      ...(Array.isArray(oauth.scopes) ? { scopes: oauth.scopes.filter((s): s is string => typeof s === "string") } : {}),
    };
    // Claude Code keeps who is logged in beside its settings, in ~/.claude.json (oauthAccount).
    const settings = json === undefined ? await readCliJson(ctx, ".claude.json").catch(() => undefined) : undefined;
    const account = isRecord(settings) && isRecord(settings.oauthAccount) ? settings.oauthAccount : {};
    const fetched = str(account.emailAddress) ? {} : await fetchProfile(ctx, credentials.accessToken!);
    const profile: AccountProfile = {
      email: str(account.emailAddress) ?? fetched.email,
      plan: str(oauth.subscriptionType) ?? fetched.plan,
      ...((str(account.organizationName) ?? fetched.organization)
        ? { organization: str(account.organizationName) ?? fetched.organization }
        : {}),
      importedFrom: "~/.claude/.credentials.json",
    };
    return { credentials, profile };
  },
};
