// Qwen Code login: OAuth device authorization with PKCE at chat.qwen.ai, token refresh, and import of ~/.qwen/oauth_creds.json.
//
// As the official qwen-code CLI does it (QwenLM/qwen-code packages/core/src/qwen/qwenOAuth2.ts), form-encoded bodies:
//   POST https://chat.qwen.ai/api/v1/oauth2/device/code {client_id, scope: "openid profile email model.completion",
//        code_challenge, code_challenge_method: "S256"}
//        -> {device_code, user_code, verification_uri, verification_uri_complete, expires_in}
//   POST https://chat.qwen.ai/api/v1/oauth2/token {grant_type: "urn:ietf:params:oauth:grant-type:device_code", client_id,
//        device_code, code_verifier}; 400 {"error":"authorization_pending"} and 429 {"error":"slow_down"} mean keep polling
//        (the CLI polls every 2 s); success {access_token, refresh_token, token_type, expires_in, resource_url}
//   refresh: POST .../token {grant_type: "refresh_token", refresh_token, client_id}; 400/401 = the refresh token is dead.
// resource_url names the API host the token works at (qwenContentGenerator.ts getCurrentEndpoint: https:// added when
// missing, /v1 appended). ~/.qwen/oauth_creds.json holds {access_token, refresh_token, id_token?, expiry_date (ms),
// token_type, resource_url} (Storage.getGlobalQwenDir() + "oauth_creds.json").
import type { Credentials } from "../../accounts/pool.ts";
import { GatewayError } from "../../canonical/errors.ts";
import { jwtClaims, readCliJson } from "../oauth/cli-files.ts";
import { declareEndpoints } from "../oauth/endpoints.ts";
import { pkcePair } from "../oauth/pkce.ts";
import { expiryOf, isRecord, postToken, str, TokenEndpointError, type Json } from "../oauth/token-request.ts";
import { RefreshRevokedError, type AccountProfile, type FlowContext, type FlowResult, type OAuthFlow } from "../oauth/types.ts";

declareEndpoints("qwen", {
  deviceCode: "https://chat.qwen.ai/api/v1/oauth2/device/code",
  token: "https://chat.qwen.ai/api/v1/oauth2/token",
});

export const QWEN_CLIENT_ID = "f0304373b74a44d2b584a3fb70ca9e56";
const SCOPE = "openid profile email model.completion";
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** qwen-code polls every 2 seconds (pollInterval = 2000); the device code answer names no interval. */
const POLL_INTERVAL_S = 2;

function profileOf(idToken: unknown): AccountProfile {
  const claims = jwtClaims(typeof idToken === "string" ? idToken : undefined);
  const email = str(claims?.email);
  const name = str(claims?.name);
  return { plan: "Qwen Code (free)", ...(email ? { email } : {}), ...(name ? { name } : {}) };
}

function credentialsOf(token: Json, previous: Credentials = {}): Credentials {
  return {
    ...previous,
    accessToken: str(token.access_token),
    refreshToken: str(token.refresh_token) ?? previous.refreshToken,
    expiresAt: expiryOf(token.expires_in) ?? previous.expiresAt,
    tokenType: str(token.token_type) ?? previous.tokenType ?? "Bearer",
    resourceUrl: str(token.resource_url) ?? previous.resourceUrl,
  };
}

export const qwenFlow: OAuthFlow = {
  provider: "qwen",
  kind: "device",

  async start(ctx: FlowContext) {
    const { verifier, challenge } = pkcePair();
    const device = await postToken(
      ctx,
      ctx.endpoint("deviceCode"),
      {
        client_id: QWEN_CLIENT_ID,
        scope: SCOPE,
        code_challenge: challenge,
        code_challenge_method: "S256",
      },
      "form",
      { "x-request-id": crypto.randomUUID() },
    );
    const deviceCode = str(device.device_code);
    if (!deviceCode) throw new Error(`Qwen did not start the device authorization: ${JSON.stringify(device).slice(0, 200)}`);
    return {
      start: {
        flow: "device" as const,
        verificationUri: str(device.verification_uri_complete) ?? str(device.verification_uri),
        userCode: str(device.user_code),
        expiresIn: typeof device.expires_in === "number" ? device.expires_in : 900,
        interval: POLL_INTERVAL_S,
        instructions: "Open the link, sign in to Qwen and approve the request.",
      },
      pending: { deviceCode, verifier },
    };
  },

  async complete(ctx, pending): Promise<FlowResult> {
    let token: Json;
    try {
      token = await postToken(
        ctx,
        ctx.endpoint("token"),
        {
          grant_type: DEVICE_GRANT,
          client_id: QWEN_CLIENT_ID,
          device_code: String(pending.deviceCode),
          code_verifier: String(pending.verifier),
        },
        "form",
      );
    } catch (err) {
      if (!(err instanceof TokenEndpointError)) throw err;
      if (err.code === "authorization_pending" || err.code === "slow_down") return { status: "pending" };
      if (err.code === "expired_token")
        return { status: "failed", error: "The code expired before it was approved. Start the login again." };
      if (err.code === "access_denied") return { status: "failed", error: "The login was denied in the browser." };
      return { status: "failed", error: `Qwen login failed: ${err.message}` };
    }
    if (!str(token.access_token)) return { status: "pending" };
    return { status: "connected", credentials: credentialsOf(token), profile: profileOf(token.id_token) };
  },

  async refresh(ctx, creds) {
    if (!creds.refreshToken) throw new RefreshRevokedError("this Qwen login has no refresh token");
    try {
      const token = await postToken(
        ctx,
        ctx.endpoint("token"),
        { grant_type: "refresh_token", refresh_token: creds.refreshToken, client_id: QWEN_CLIENT_ID },
        "form",
      );
      if (!str(token.access_token)) throw new Error("Qwen's refresh answer has no access_token");
      return credentialsOf(token, creds);
    } catch (err) {
      // qwen-code takes a 400 or 401 from the token endpoint as an expired or invalid refresh token.
      if (err instanceof TokenEndpointError && (err.status === 400 || err.status === 401))
        throw new RefreshRevokedError(`Qwen refused the refresh token (${err.message})`);
      throw err;
    }
  },

  async importCli(ctx, json) {
    const file = json ?? (await readCliJson(ctx, ".qwen/oauth_creds.json"));
    if (file === undefined) return undefined;
    if (!isRecord(file) || !str(file.refresh_token)) {
      throw new GatewayError("invalid_request", "This is not Qwen Code's oauth_creds.json: it has no refresh_token.", {
        param: "credentials",
      });
    }
    const credentials: Credentials = {
      accessToken: str(file.access_token),
      refreshToken: str(file.refresh_token),
      expiresAt: typeof file.expiry_date === "number" ? file.expiry_date : undefined,
      tokenType: str(file.token_type) ?? "Bearer",
      resourceUrl: str(file.resource_url),
    };
    return { credentials, profile: { ...profileOf(file.id_token), importedFrom: "Qwen Code" } };
  },
};
