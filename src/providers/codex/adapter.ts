// Codex (cx/): the ChatGPT backend's Responses endpoint with a ChatGPT OAuth token; always streamed upstream, quota from x-codex-* headers.
import { codexFlow, codexIdentity } from "./login.ts";
import type { AdapterContext, PreparedCall, ProviderAdapter } from "../adapters/types.ts";
import { bearerOf, currentCredentials, refreshOnce } from "../adapters/oauth-credentials.ts";
import { codexBody, codexHeaders } from "./request.ts";
import { codexQuotaWindows, usageLimitReset } from "./quota.ts";
import { sseToResponseJson } from "./sse-json.ts";

/** A 429 "usage_limit_reached": record the used-up window and tell failover (Retry-After) when it resets. */
async function usageLimited(response: Response, ctx: AdapterContext): Promise<Response> {
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const resetsAt = usageLimitReset(body);
  const headers = new Headers(response.headers);
  if (resetsAt) {
    const windows = codexQuotaWindows(response.headers).filter((w) => (w.usedPercent ?? 0) >= 100);
    const spent = windows.length
      ? windows.map((w) => ({ ...w, exhausted: true, resetsAt: w.resetsAt ?? resetsAt }))
      : [{ name: resetsAt - Date.now() > 6 * 3_600_000 ? ("weekly" as const) : ("5h" as const), exhausted: true, resetsAt }];
    ctx.reportQuota(spent);
    if (!headers.has("retry-after")) headers.set("retry-after", String(Math.max(1, Math.ceil((resetsAt - Date.now()) / 1000))));
  }
  headers.delete("content-length");
  headers.delete("content-encoding");
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
}

export const codexAdapter: ProviderAdapter = {
  async prepare(call: PreparedCall, ctx: AdapterContext): Promise<PreparedCall> {
    const credentials = await currentCredentials(ctx, codexFlow);
    const token = bearerOf(credentials);
    const accountId =
      typeof credentials.accountId === "string"
        ? credentials.accountId
        : codexIdentity(typeof credentials.idToken === "string" ? credentials.idToken : undefined, token).accountId;
    const body = codexBody(call.body);
    const cacheKey = typeof body.prompt_cache_key === "string" ? body.prompt_cache_key : undefined;
    return { url: call.url, headers: codexHeaders(call.headers, token, accountId, cacheKey ?? crypto.randomUUID()), body };
  },

  async wrapResponse(response, ctx) {
    const windows = codexQuotaWindows(response.headers);
    if (windows.length) ctx.reportQuota(windows);
    if (response.status === 429) return usageLimited(response, ctx);
    if (!response.ok || ctx.stream) return response;
    // The client asked for one JSON answer; the backend streamed it.
    const type = response.headers.get("content-type") ?? "";
    return type.includes("text/event-stream") ? sseToResponseJson(response) : response;
  },

  refreshAfterUnauthorized: (ctx) => refreshOnce(ctx, codexFlow),
};
