// The Qwen Code adapter: a fresh OAuth token as bearer, the API host the token names (resource_url), Qwen Code's headers.
//
// qwen-code sends chat requests through its DashScope provider (QwenLM/qwen-code
// packages/core/src/core/openaiContentGenerator/provider/dashscope.ts buildHeaders) with User-Agent
// "QwenCode/<version> (<platform>; <arch>)", X-DashScope-CacheControl: enable, X-DashScope-UserAgent and
// X-DashScope-AuthType: "qwen-oauth"; the base URL is https://{resource_url}/v1 (qwenContentGenerator.ts).
import { currentCredentials, refreshOnce } from "../adapters/oauth-credentials.ts";
import type { AdapterContext, PreparedCall, ProviderAdapter } from "../adapters/types.ts";
import { qwenFlow } from "./login.ts";

const USER_AGENT = `QwenCode/0.2.0 (${process.platform}; ${process.arch})`;

/** "portal.qwen.ai" -> "https://portal.qwen.ai/v1"; a URL with a scheme is kept; /v1 is added once. */
export function qwenBaseUrl(resourceUrl: string): string {
  const withScheme = /^https?:\/\//i.test(resourceUrl) ? resourceUrl : `https://${resourceUrl}`;
  const trimmed = withScheme.replace(/\/+$/, "");
  return trimmed.endsWith("/v1") ? trimmed : `${trimmed}/v1`;
}

function baseOf(ctx: AdapterContext, resourceUrl: unknown): string {
  if (ctx.account.baseUrl) return ctx.account.baseUrl.replace(/\/+$/, "");
  return typeof resourceUrl === "string" && resourceUrl ? qwenBaseUrl(resourceUrl) : ctx.spec.baseUrl.replace(/\/+$/, "");
}

export const qwenAdapter: ProviderAdapter = {
  async prepare(call: PreparedCall, ctx: AdapterContext): Promise<PreparedCall> {
    const credentials = await currentCredentials(ctx, qwenFlow);
    return {
      url: `${baseOf(ctx, credentials.resourceUrl)}/chat/completions`,
      headers: {
        ...call.headers,
        authorization: `Bearer ${credentials.accessToken ?? credentials.apiKey ?? ""}`,
        "user-agent": USER_AGENT,
        "x-dashscope-cachecontrol": "enable",
        "x-dashscope-useragent": USER_AGENT,
        "x-dashscope-authtype": "qwen-oauth",
      },
      body: call.body,
    };
  },

  refreshAfterUnauthorized: (ctx) => refreshOnce(ctx, qwenFlow),
};
