// The two credential steps every OAuth adapter shares: a fresh token before the call, one forced refresh after a 401.
import type { Credentials } from "../../accounts/pool.ts";
import type { OAuthFlow } from "../oauth/types.ts";
import type { AdapterContext } from "./types.ts";

/**
 * The account's credentials, refreshed first when they expire within a few minutes. A token pasted by hand
 * (no refresh token, no expiry) is used as it is. Throws GatewayError("authentication") when the account needs a new login.
 */
export function currentCredentials(ctx: AdapterContext, flow: OAuthFlow): Promise<Credentials> {
  if (!ctx.account.credentials.refreshToken) return Promise.resolve(ctx.account.credentials);
  return ctx.credentials.fresh(flow);
}

/** The bearer token of these credentials (an access token, or a token pasted as the API key). */
export function bearerOf(credentials: Credentials): string | undefined {
  return credentials.accessToken ?? credentials.apiKey;
}

/** After a 401: refresh once (serialized with any other refresh of this account); false when that is not possible. */
export async function refreshOnce(ctx: AdapterContext, flow: OAuthFlow): Promise<boolean> {
  if (!ctx.account.credentials.refreshToken) return false;
  try {
    await ctx.credentials.fresh(flow, { force: true });
    return true;
  } catch {
    return false;
  }
}
