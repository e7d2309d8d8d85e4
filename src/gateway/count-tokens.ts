// POST /v1/messages/count_tokens: the upstream's own count when it speaks Anthropic, else the gateway's own estimate (o200k-like).
import { GatewayError } from "../canonical/errors.ts";
import { estimateTokens } from "../canonical/token-estimate.ts";
import { selectAccount } from "../accounts/select.ts";
import { getFormat } from "../formats/registry.ts";
import { sendOneShot } from "../providers/adapters/one-shot.ts";
import { upstreamCall } from "../providers/upstream.ts";
import type { Services } from "../services.ts";

export async function countTokens(services: Services, body: Record<string, unknown>): Promise<{ input_tokens: number }> {
  if (typeof body.model !== "string") throw new GatewayError("invalid_request", "model: required", { param: "model" });
  const anthropic = getFormat("anthropic");
  // count_tokens bodies carry no max_tokens; decoding validates everything else.
  const canonical = anthropic.decodeRequest({ ...body, max_tokens: 1 });
  const [target] = services.router.resolve(body.model);
  const account = target && selectAccount(services, target.provider.id);
  const adapter = target && services.adapters.get(target.provider.id);
  if (target && account && target.provider.format === "anthropic" && (!adapter || adapter.countTokens)) {
    const call = upstreamCall(target.provider, account, anthropic, target.model, false);
    try {
      const url = call.url.replace(/\/messages$/, "/messages/count_tokens");
      // Through the provider's adapter: an OAuth account (Claude Code) needs its own token and headers here too.
      const res = await sendOneShot(services, {
        spec: target.provider,
        account,
        model: target.model,
        stream: false,
        signal: AbortSignal.timeout(10_000),
        timeoutMs: 10_000,
        call: { url, headers: call.headers, body: { ...body, model: target.model } },
        scope: { combo: target.combo },
        readMessage: anthropic.decodeErrorMessage,
      });
      if (res instanceof Response && res.ok) {
        const counted = (await res.json()) as { input_tokens?: unknown };
        if (typeof counted.input_tokens === "number") return { input_tokens: counted.input_tokens };
      }
    } catch {
      // Fall back to the local estimate below.
    }
  }
  return { input_tokens: estimateTokens(canonical) };
}
