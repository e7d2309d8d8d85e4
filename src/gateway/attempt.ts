// One upstream call for one (target, account): build the body in the upstream's format, send it, classify the answer.
import { GatewayError } from "../canonical/errors.ts";
import type { CanonicalRequest } from "../canonical/request.ts";
import type { Account } from "../accounts/pool.ts";
import { classifyHttpFailure, type Failure } from "../accounts/failure.ts";
import { getFormat, type GatewayFormat } from "../formats/registry.ts";
import { upstreamFetch } from "../network/upstream-fetch.ts";
import { upstreamCall } from "../providers/upstream.ts";
import { adapterFor } from "../providers/adapters/index.ts";
import type { AdapterContext, PreparedCall } from "../providers/adapters/types.ts";
import type { Target } from "../routing/resolve.ts";
import type { Services } from "../services.ts";
import type { ProxyRequest } from "./pipeline.ts";

export type AttemptResult =
  | { ok: true; response: Response; upstream: GatewayFormat; hideUsageFrame: boolean; dropped: string[] }
  | { ok: false; failure: Failure };

/** One upstream request as the gateway sent it (credentials are in headers, which are left out). */
export interface UpstreamRequestSent {
  provider: string;
  model: string;
  account: string;
  url: string;
  body: Record<string, unknown>;
}

export interface AttemptOptions {
  /** For the outbound proxy this call goes through (key -> combo -> connection -> provider -> global -> env). */
  services: Services;
  req: ProxyRequest;
  target: Target;
  account: Account;
  stream: boolean;
  /** The canonical request, decoded on first need (never on the fast path). */
  canonical: () => CanonicalRequest;
  /** How long to wait for the upstream's response headers. */
  timeoutMs: number;
  /** Settings > AI transforms are configured: the request must be re-encoded even for the same format. */
  transformed: boolean;
}

/** Per gateway: models that answered a 400 refusing reasoning parameters; they are asked without them since. */
const refusesReasoning = new WeakMap<Services, Set<string>>();
/** What such a 400 says, across providers ("reasoning_effort is not supported", "thinking is not enabled"...). */
const REASONING_REFUSED = /reasoning|thinking|budget_tokens/i;

export async function attemptUpstream(o: AttemptOptions): Promise<AttemptResult> {
  const upstream = getFormat(o.target.provider.format);
  let body: Record<string, unknown>;
  let hideUsageFrame = false;
  let dropped: string[] = [];
  /** Set when the body carries reasoning parameters the client's format asked for: re-encodes it without them. */
  let dropReasoning: (() => void) | undefined;
  const modelKey = `${o.target.provider.id}/${o.target.model}`;
  if (upstream.id === o.req.ingress.id && !o.transformed) {
    const forwarded = upstream.passthrough.forwardBody(o.req.body, o.target.model, o.stream);
    body = forwarded.body;
    hideUsageFrame = forwarded.addedUsageFrame;
  } else {
    const canonical = o.canonical();
    const model = o.target.provider.models.find((m) => m.id === o.target.model);
    // Claude Code asks every model to think; a model the catalog knows cannot would answer 400.
    const cannotReason = canonical.reasoning !== undefined && (model?.reasoning === false || !!refusesReasoning.get(o.services)?.has(modelKey));
    // A client that sets no output limit (Codex, Gemini CLI) gets the model's own on a stream, not the format's
    // cautious default (Anthropic's 8192 would cut a long patch). Unstreamed calls keep that default: a long
    // answer held back until done outlives proxies' and SDKs' timeouts.
    const maxTokens = canonical.maxTokens ?? (o.stream ? model?.maxOutputTokens : undefined);
    const encode = (withoutReasoning: boolean) => {
      const encoded = upstream.encodeRequest({ ...canonical, model: o.target.model, maxTokens, ...(withoutReasoning ? { reasoning: undefined } : {}) });
      body = encoded.body;
      dropped = withoutReasoning ? [...encoded.dropped, "reasoning"] : encoded.dropped;
    };
    encode(cannotReason);
    if (canonical.reasoning !== undefined && !cannotReason) dropReasoning = () => encode(true);
  }

  const base = upstreamCall(o.target.provider, o.account, upstream, o.target.model, o.stream);
  const adapter = adapterFor(o.target.provider.id);
  const ctx: AdapterContext = { services: o.services, spec: o.target.provider, account: o.account, model: o.target.model, stream: o.stream, signal: o.req.signal };

  const send = async (): Promise<Response | Failure> => {
    let call: PreparedCall = { url: base.url, headers: base.headers, body };
    if (adapter?.prepare) {
      try {
        call = await adapter.prepare(call, ctx);
        if (call.dropped?.length) dropped = [...new Set([...dropped, ...call.dropped])];
      } catch (err) {
        if (err instanceof GatewayError && err.kind === "authentication") return { kind: "auth", status: 401, message: err.message };
        throw err;
      }
    }
    o.req.onUpstreamRequest?.({ provider: o.target.provider.id, model: o.target.model, account: o.account.name, url: call.url, body: call.body });
    // One signal aborts the upstream call, and later its body: the client going away, or no answer in time.
    // Linked by hand: AbortSignal.any() per attempt cost a few % of the streamed throughput.
    const upstreamAbort = new AbortController();
    const clientGone = () => upstreamAbort.abort(o.req.signal.reason);
    if (o.req.signal.aborted) clientGone();
    else o.req.signal.addEventListener("abort", clientGone, { once: true });
    const timer = setTimeout(() => upstreamAbort.abort(new GatewayError("timeout", `no response within ${Math.round(o.timeoutMs / 1000)} s`)), o.timeoutMs);
    try {
      return await upstreamFetch(o.services, call.url, {
        method: "POST",
        headers: call.headers,
        body: JSON.stringify(call.body),
        signal: upstreamAbort.signal,
      }, { keyId: o.req.keyId, combo: o.target.combo, provider: o.target.provider.id, account: o.account }, { stream: o.stream });
    } catch (err) {
      if (o.req.signal.aborted) throw err;
      const timedOut = upstreamAbort.signal.aborted;
      const reason = timedOut ? `no response within ${Math.round(o.timeoutMs / 1000)} s` : `could not reach ${call.url}: ${err instanceof Error ? err.message : String(err)}`;
      return { kind: timedOut ? "timeout" : "connection", status: timedOut ? 504 : 502, message: reason };
    } finally {
      clearTimeout(timer);
    }
  };

  /** Send, refresh once on an expired credential, let the adapter read the answer, classify a failure. */
  const answer = async (): Promise<AttemptResult> => {
    let response = await send();
    // An expired or revoked token: refresh once and retry (OAuth providers).
    if (response instanceof Response && adapter?.refreshAfterUnauthorized && (response.status === 401 || (await adapter.isExpiredCredential?.(response, ctx)))) {
      const first = response;
      const text = await first.text().catch(() => "");
      const refreshed = await adapter.refreshAfterUnauthorized(ctx).catch(() => false);
      if (!refreshed) return { ok: false, failure: classifyHttpFailure(401, first.headers, upstream.decodeErrorMessage(text).slice(0, 2000)) };
      response = await send();
    }
    if (!(response instanceof Response)) return { ok: false, failure: response };
    if (adapter?.wrapResponse) response = await adapter.wrapResponse(response, ctx);
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      return { ok: false, failure: classifyHttpFailure(response.status, response.headers, upstream.decodeErrorMessage(text).slice(0, 2000)) };
    }
    return { ok: true, response, upstream, hideUsageFrame, dropped };
  };

  const result = await answer();
  // A model the catalog does not flag may still refuse the reasoning parameters of a translated request. A 400
  // that says so is asked once more without them (X-OmniRoute-Dropped says so), and so is that model from then on.
  if (!result.ok && dropReasoning && result.failure.status === 400 && REASONING_REFUSED.test(result.failure.message)) {
    let refused = refusesReasoning.get(o.services);
    if (!refused) refusesReasoning.set(o.services, (refused = new Set()));
    refused.add(modelKey);
    dropReasoning();
    return answer();
  }
  return result;
}
