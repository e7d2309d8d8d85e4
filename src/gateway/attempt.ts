// One upstream call for one candidate: the body in the upstream's format, sent through the provider's adapter,
// the answer classified. A stream is handed on at its headers; an unstreamed answer is read whole here, so a
// body cut short is a failure the next account can make good.
import { GatewayError } from "../canonical/errors.ts";
import type { CanonicalRequest } from "../canonical/request.ts";
import type { Failure } from "../accounts/failure.ts";
import { getFormat, type GatewayFormat } from "../formats/registry.ts";
import { scopedFetch } from "../network/upstream-fetch.ts";
import type { Adapters } from "../providers/adapters/index.ts";
import { failureOf, sendAdapted } from "../providers/send.ts";
import { upstreamCall } from "../providers/upstream.ts";
import type { ResilienceSettings } from "../accounts/profiles.ts";
import { adapterContext, type AdapterDeps } from "../providers/adapters/context.ts";
import { UpstreamIdleError, watchIdle } from "./idle-watch.ts";
import type { Candidate } from "./candidates.ts";
import type { ProxyRequest } from "./pipeline.ts";

export type AttemptResult =
  | {
      ok: true;
      response: Response;
      unstreamed?: UnstreamedAnswer;
      upstream: GatewayFormat;
      hideUsageFrame: boolean;
      dropped: string[];
      idle: IdleLimit;
    }
  | { ok: false; failure: Failure };

/** An unstreamed answer read whole: its text as it came, and that text parsed. */
export interface UnstreamedAnswer {
  text: string;
  json: unknown;
  /** ms from the request's arrival until it was read. */
  readAt: number;
}

/** How long the answer may go silent, and how to give it up then (aborting the call ends its body's reads). */
export interface IdleLimit {
  ms: number;
  giveUp(reason: Error): void;
}

/** One upstream request as the gateway sent it (credentials are in headers, which are left out). */
export interface UpstreamRequestSent {
  provider: string;
  model: string;
  account: string;
  url: string;
  body: Record<string, unknown>;
}

/** Per gateway: models that answered a 400 refusing reasoning parameters; they are asked without them since. */
export interface ModelQuirks {
  refusesReasoning: Set<string>;
}

export interface AttemptDeps extends AdapterDeps {
  adapters: Adapters;
  resilience: ResilienceSettings;
  modelQuirks: ModelQuirks;
}

export interface AttemptOptions {
  req: ProxyRequest;
  candidate: Candidate;
  stream: boolean;
  /** The canonical request, decoded on first need (never on the fast path). */
  canonical: () => CanonicalRequest;
  /** Settings > AI transforms are configured: the request must be re-encoded even for the same format. */
  transformed: boolean;
}

/** What such a 400 says, across providers ("reasoning_effort is not supported", "thinking is not enabled"...). */
const REASONING_REFUSED = /reasoning|thinking|budget_tokens/i;

export async function attemptUpstream(deps: AttemptDeps, o: AttemptOptions): Promise<AttemptResult> {
  const { target, account } = o.candidate;
  const upstream = getFormat(target.provider.format);
  const modelKey = `${target.provider.id}/${target.model}`;
  let body: Record<string, unknown> = {};
  let hideUsageFrame = false;
  let dropped: string[] = [];
  /** Set when the body carries reasoning parameters the client's format asked for: re-encodes it without them. */
  let dropReasoning: (() => void) | undefined;
  preparing(target.label, () => {
    if (upstream.id === o.req.ingress.id && !o.transformed) {
      const forwarded = upstream.passthrough.forwardBody(o.req.body, target.model, o.stream);
      body = forwarded.body;
      hideUsageFrame = forwarded.addedUsageFrame;
      return;
    }
    const canonical = o.canonical();
    const model = target.provider.models.find((m) => m.id === target.model);
    // Claude Code asks every model to think; a model the catalog knows cannot would answer 400.
    const cannotReason =
      canonical.reasoning !== undefined && (model?.reasoning === false || deps.modelQuirks.refusesReasoning.has(modelKey));
    // A client that sets no output limit (Codex, Gemini CLI) gets the model's own on a stream, not the format's
    // cautious default (Anthropic's 8192 would cut a long patch). Unstreamed calls keep that default: a long
    // answer held back until done outlives proxies' and SDKs' timeouts.
    const maxTokens = canonical.maxTokens ?? (o.stream ? model?.maxOutputTokens : undefined);
    const encode = (withoutReasoning: boolean) => {
      const encoded = upstream.encodeRequest({
        ...canonical,
        model: target.model,
        maxTokens,
        ...(withoutReasoning ? { reasoning: undefined } : {}),
      });
      body = encoded.body;
      dropped = withoutReasoning ? [...encoded.dropped, "reasoning"] : encoded.dropped;
    };
    encode(cannotReason);
    if (canonical.reasoning !== undefined && !cannotReason) dropReasoning = () => encode(true);
  });

  const base = preparing(target.label, () => upstreamCall(target.provider, account, upstream, target.model, o.stream));
  const scope = { keyId: o.req.keyId, combo: target.combo };
  const profile = deps.resilience.profile(target.provider.id);
  const controller = new AbortController();
  const idle: IdleLimit = { ms: profile.streamIdleMs, giveUp: (reason) => controller.abort(reason) };
  const call = {
    adapter: deps.adapters.get(target.provider.id),
    context: () =>
      adapterContext(deps, { spec: target.provider, account, model: target.model, stream: o.stream, signal: o.req.signal, scope }),
    fetch: scopedFetch(deps.proxies, { ...scope, provider: target.provider.id, account }),
    signal: o.req.signal,
    timeoutMs: profile.timeoutMs,
    controller,
  };

  /** Send, let the adapter read the answer, classify a failure; read an unstreamed answer whole. */
  const answer = async (): Promise<AttemptResult> => {
    const sent = await sendAdapted(
      {
        ...call,
        call: { url: base.url, headers: base.headers, body },
        onSend: (c) =>
          o.req.onUpstreamRequest?.({ provider: target.provider.id, model: target.model, account: account.name, url: c.url, body: c.body }),
      },
      upstream.decodeErrorMessage,
    );
    if (!("response" in sent)) return { ok: false, failure: sent };
    const { response } = sent;
    if (!response.ok) return { ok: false, failure: await failureOf(response, upstream.decodeErrorMessage) };
    const all = sent.dropped.length ? [...new Set([...dropped, ...sent.dropped])] : dropped;
    if (o.stream) return { ok: true, response, upstream, hideUsageFrame, dropped: all, idle };
    const read = await readWhole(response, target.provider.name, o.req, idle);
    return "failure" in read
      ? { ok: false, failure: read.failure }
      : { ok: true, response, unstreamed: read, upstream, hideUsageFrame, dropped: all, idle };
  };

  const result = await answer();
  // A model the catalog does not flag may still refuse the reasoning parameters of a translated request. A 400
  // that says so is asked once more without them (X-OmniRoute-Dropped says so), and so is that model from then on.
  if (!result.ok && dropReasoning && result.failure.status === 400 && REASONING_REFUSED.test(result.failure.message)) {
    deps.modelQuirks.refusesReasoning.add(modelKey);
    dropReasoning();
    return answer();
  }
  return result;
}

/** An unstreamed answer's text and JSON; a body cut short or not JSON is the provider's failure (another account may do better). */
async function readWhole(
  response: Response,
  provider: string,
  req: ProxyRequest,
  idle: IdleLimit,
): Promise<UnstreamedAnswer | { failure: Failure }> {
  let text: string;
  // The body is one piece to us: silent for the idle limit means not complete within it.
  const watch = watchIdle(idle.ms, () => idle.giveUp(new UpstreamIdleError(idle.ms)));
  try {
    text = await response.text();
  } catch (err) {
    if (req.signal.aborted) throw err;
    if (err instanceof UpstreamIdleError)
      return {
        failure: {
          kind: "timeout",
          status: 504,
          message: `${provider} sent its headers, then ${err.message.replace("the upstream ", "")}`,
        },
      };
    return {
      failure: {
        kind: "connection",
        status: 502,
        message: `${provider} cut its answer short: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  } finally {
    watch.stop();
  }
  const readAt = performance.now() - req.startedAt;
  try {
    return { text, json: JSON.parse(text), readAt };
  } catch {
    return { failure: { kind: "server", status: 502, message: `${provider} answered 200 with a body that is not JSON` } };
  }
}

/**
 * Building the upstream request (decode, translate, URL): whatever fails here is the request's own fault, a 400
 * that never counts against the provider, whatever the error.
 */
function preparing<T>(label: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof URIError)
      throw new GatewayError("invalid_request", `The model name cannot be part of an upstream URL: ${reason}.`, {
        param: "model",
        code: "invalid_model",
        cause: err,
      });
    throw new GatewayError("invalid_request", `The request cannot be prepared for ${label}: ${reason}.`, {
      code: "untranslatable_request",
      cause: err,
    });
  }
}
