// The iFlow adapter: the API key the login yields as bearer, with the signed headers iFlow CLI sends.
//
// iFlow CLI's chat requests (as gateways replicate them: router-for-me/CLIProxyAPI iflow executor buildHeaders, iflow2api):
// User-Agent "iFlow-Cli", session-id "session-<uuid>", x-iflow-timestamp (epoch ms) and
// x-iflow-signature = hex HMAC-SHA256(key = API key, "<user-agent>:<session-id>:<timestamp>"); Authorization: Bearer <API key>.
// The OAuth access token itself is not accepted by apis.iflow.cn; it only buys the key (login.ts).
import { currentCredentials, refreshOnce } from "../adapters/oauth-credentials.ts";
import type { AdapterContext, PreparedCall, ProviderAdapter } from "../adapters/types.ts";
import { iflowFlow } from "./login.ts";

const USER_AGENT = "iFlow-Cli";

/** The request signature iFlow checks beside the key. */
export function iflowSignature(apiKey: string, sessionId: string, timestamp: number): string {
  return new Bun.CryptoHasher("sha256", apiKey).update(`${USER_AGENT}:${sessionId}:${timestamp}`).digest("hex");
}

function baseOf(ctx: AdapterContext): string {
  return (ctx.account.baseUrl ?? ctx.flow.endpoint("api")).replace(/\/+$/, "");
}

export const iflowAdapter: ProviderAdapter = {
  async prepare(call: PreparedCall, ctx: AdapterContext): Promise<PreparedCall> {
    const credentials = await currentCredentials(ctx, iflowFlow);
    const apiKey = typeof credentials.apiKey === "string" ? credentials.apiKey : "";
    const sessionId = `session-${crypto.randomUUID()}`;
    const timestamp = Date.now();
    return {
      url: `${baseOf(ctx)}/chat/completions`,
      headers: {
        ...call.headers,
        authorization: `Bearer ${apiKey}`,
        "user-agent": USER_AGENT,
        "session-id": sessionId,
        "x-iflow-timestamp": String(timestamp),
        "x-iflow-signature": iflowSignature(apiKey, sessionId, timestamp),
      },
      body: call.body,
    };
  },

  refreshAfterUnauthorized: (ctx) => refreshOnce(ctx, iflowFlow),
};
