// The Kiro adapter: Anthropic Messages in, CodeWhisperer generateAssistantResponse out, AWS event-stream back as Anthropic.
//
// The catalog declares Kiro's format as "anthropic", so the body prepare() receives is an Anthropic Messages body (the
// client's own on the fast path, or the anthropic encoder's). The call goes to POST {runtime}/generateAssistantResponse
// with the headers Kiro's clients send (AIClient-2-API claude-kiro.js; kiro.rs upstream headers): bearer token,
// x-amzn-codewhisperer-optout, x-amzn-kiro-agent-mode: vibe, amz-sdk-invocation-id / amz-sdk-request. The runtime is
// codewhisperer.us-east-1.amazonaws.com, or q.eu-central-1.amazonaws.com for profiles in Frankfurt (official Kiro CLI
// api_client/consts.rs PROD_CODEWHISPERER_ENDPOINT_URL / PROD_CODEWHISPERER_FRA_ENDPOINT_URL, chosen by the profile
// ARN's region in endpoints.rs).
import type { QuotaWindow } from "../../accounts/quota.ts";
import { GatewayError } from "../../canonical/errors.ts";
import { anthropicFormat } from "../../formats/anthropic/index.ts";
import { kiroFlow } from "./login.ts";
import { currentCredentials, refreshOnce } from "../adapters/oauth-credentials.ts";
import type { AdapterContext, PreparedCall, ProviderAdapter } from "../adapters/types.ts";
import { estimateTokens, type KiroStreamContext } from "./events.ts";
import { buildKiroRequest } from "./request.ts";
import { kiroErrorResponse, kiroMessageResponse, kiroSseResponse, readKiroError } from "./response.ts";

/** Kiro's Claude models take 200K tokens of context (AIClient-2-API TOTAL_CONTEXT_TOKENS; kiro-gateway DEFAULT_MAX_INPUT_TOKENS). */
const CONTEXT_WINDOW = 200_000;
const USER_AGENT = "aws-sdk-js/1.0.27 KiroIDE-0.7.45 OmniRoute";

/** What prepare() learned that wrapResponse() needs, per attempt. */
const calls = new WeakMap<AdapterContext, KiroStreamContext>();

function regionOf(profileArn: unknown): string | undefined {
  return typeof profileArn === "string" ? profileArn.split(":")[3] || undefined : undefined;
}

function runtimeBase(ctx: AdapterContext, profileArn: unknown): string {
  if (ctx.account.baseUrl) return ctx.account.baseUrl.replace(/\/+$/, "");
  const declared = ctx.flow.endpoint("api");
  const region = regionOf(profileArn);
  if (region === "eu-central-1" && declared === "https://codewhisperer.us-east-1.amazonaws.com")
    return "https://q.eu-central-1.amazonaws.com";
  return declared;
}

/**
 * Kiro Free is 50 credits a month (kiro-cli /usage: "Monthly credits ... (x of 50 covered in plan)", resets monthly).
 * The exact reset day is per account and not in the error, so the window is taken to end at the next UTC month.
 */
function monthlyLimitReached(now = Date.now()): QuotaWindow {
  const d = new Date(now);
  return { name: "monthly", exhausted: true, resetsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

function textChars(body: Record<string, unknown>): number {
  return JSON.stringify(body.conversationState ?? {}).length;
}

export const kiroAdapter: ProviderAdapter = {
  async prepare(call: PreparedCall, ctx: AdapterContext): Promise<PreparedCall> {
    // Kiro has no token-counting operation: a count_tokens call must not become a (billed) chat turn.
    if (/\/count_tokens$/.test(call.url))
      throw new GatewayError("not_found", "Kiro has no count_tokens endpoint; the gateway counts locally.", { code: "unsupported" });
    const credentials = await currentCredentials(ctx, kiroFlow);
    const canonical = { ...anthropicFormat.decodeRequest(call.body), model: ctx.model };
    const profileArn = typeof credentials.profileArn === "string" ? credentials.profileArn : undefined;
    const built = buildKiroRequest(canonical, { profileArn });
    calls.set(ctx, {
      id: `msg_${crypto.randomUUID().replaceAll("-", "")}`,
      model: ctx.model,
      toolNames: built.toolNames,
      contextWindow: CONTEXT_WINDOW,
      estimatedInputTokens: estimateTokens(textChars(built.body)),
    });
    return {
      url: `${runtimeBase(ctx, profileArn)}/generateAssistantResponse`,
      headers: {
        "content-type": "application/json",
        accept: "*/*",
        authorization: `Bearer ${credentials.accessToken ?? ""}`,
        "user-agent": USER_AGENT,
        "x-amz-user-agent": USER_AGENT,
        "x-amzn-codewhisperer-optout": "true",
        "x-amzn-kiro-agent-mode": "vibe",
        "amz-sdk-invocation-id": crypto.randomUUID(),
        "amz-sdk-request": "attempt=1; max=1",
      },
      body: built.body,
      dropped: built.dropped,
    };
  },

  async wrapResponse(response: Response, ctx: AdapterContext): Promise<Response> {
    if (!response.ok) {
      const error = readKiroError(response.status, await response.text().catch(() => ""));
      if (error.monthlyLimit) ctx.reportQuota([monthlyLimitReached()]);
      return kiroErrorResponse(response.headers, error);
    }
    const state = calls.get(ctx);
    if (!state || !response.body) return response;
    return ctx.stream ? kiroSseResponse(response.body, state) : kiroMessageResponse(response.body, state);
  },

  async isExpiredCredential(response: Response): Promise<boolean> {
    if (response.status !== 403) return false;
    return readKiroError(
      403,
      await response
        .clone()
        .text()
        .catch(() => ""),
    ).tokenInvalid;
  },

  refreshAfterUnauthorized: (ctx) => refreshOnce(ctx, kiroFlow),
};
