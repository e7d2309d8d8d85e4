// One media call (embeddings, images, transcription) down chat's line: typed targets, budget, candidates, one settlement.
import type { Context } from "hono";
import { GatewayError } from "../../canonical/errors.ts";
import type { Usage } from "../../canonical/usage.ts";
import type { AppEnv } from "../../context.ts";
import { scopedFetch } from "../../network/upstream-fetch.ts";
import type { AdapterResult, MediaUpstream } from "../../providers/media-call.ts";
import type { ModelType, ProviderSpec } from "../../providers/types.ts";
import type { Target } from "../../routing/resolve.ts";
import type { Services } from "../../services.ts";
import { abstain, canFallBack, candidates, credit, penalize, Tried, type CandidateDeps } from "../candidates.ts";
import { exhaustedError } from "../exhausted.ts";
import { liftIdleTimeout } from "../edge/idle-timeout.ts";
import { headerValue } from "../header-value.ts";
import { errorOutcome, Settlement } from "../settlement.ts";

/** What an endpoint serves, for routing and for messages a person can act on. */
export interface MediaKind {
  /** The catalog model type it takes. */
  type: ModelType;
  /** "POST /v1/embeddings" */
  route: string;
  /** "an embedding model such as \"openai/text-embedding-3-small\"" */
  wants: string;
}

export interface MediaReply {
  response: Response;
  usage?: Partial<Usage>;
  /** Client fields the upstream API cannot express, for X-OmniRoute-Dropped. */
  dropped?: string[];
}

/** What the route knows of the call before the endpoint parses the body. */
export interface MediaBase {
  c: Context<AppEnv>;
  /** The usage row's endpoint name ("embeddings", "providers.embeddings", ...). */
  endpoint: string;
  model: string;
  /** Set on /v1/providers/{provider}/...: only that provider may serve. */
  pinProvider?: string;
}

export interface MediaCall<A> extends MediaBase {
  kind: MediaKind;
  /** Whether a provider serves this endpoint at all. */
  serves(spec: ProviderSpec): boolean;
  /** The likely cost of the call at this target, reserved against the key's budget. */
  estimate(target: Target): number;
  /** One upstream call through the provider's adapter. */
  send(upstream: MediaUpstream, target: Target): Promise<AdapterResult<A>>;
  /** The client's answer from the upstream's. */
  reply(answer: A, target: Target): MediaReply;
}

export type MediaDeps = CandidateDeps & Pick<Services, "router" | "budgets" | "usage" | "proxies" | "models" | "observer">;

/** The same straight line as chat's (resolve -> reserve -> candidates -> attempt -> settle), for one media call. */
export async function serveMedia<A>(deps: MediaDeps, call: MediaCall<A>): Promise<Response> {
  const { c } = call;
  liftIdleTimeout(c); // a transcription may take minutes
  const apiKey = c.get("apiKey");
  const keyId = apiKey?.id ?? null;
  const signal = c.req.raw.signal;
  const watch = deps.observer.request({
    requestId: c.get("requestId"),
    endpoint: call.endpoint,
    model: call.model,
    stream: false,
    headers: c.req.raw.headers,
  });
  const settlement = new Settlement(
    deps.usage,
    {
      requestId: c.get("requestId"),
      keyId,
      endpoint: call.endpoint,
      modelRequested: call.model,
      stream: false,
      receivedAt: Date.now(),
      startedAt: performance.now(),
    },
    undefined,
    watch,
  );
  try {
    const targets = eligibleTargets(deps, call);
    // A spent budget stops the request here, before any upstream is called.
    const first = targets[0];
    settlement.provider = first?.provider.id;
    settlement.holdReservation(
      await deps.budgets.reserve(
        keyId,
        apiKey?.name ?? "anonymous",
        () => (first ? call.estimate(first) : 0),
        first ? `${first.provider.id}/${first.model}` : call.model,
      ),
    );

    const tried = new Tried();
    for await (const candidate of candidates(deps, targets, tried)) {
      const { target, account } = candidate;
      settlement.calling(candidate, candidate.slot);
      const upstream: MediaUpstream = {
        spec: target.provider,
        account,
        model: target.model,
        signal,
        timeoutMs: deps.resilience.profile(target.provider.id).timeoutMs,
        fetch: scopedFetch(deps.proxies, { keyId, combo: target.combo, provider: target.provider.id, account }),
      };
      const attempt = watch.attempt(candidate);
      let result: AdapterResult<A>;
      try {
        result = await call.send(upstream, target);
      } catch (err) {
        attempt.end({ result: "error", error: err });
        abstain(deps, candidate);
        throw err;
      }
      attempt.end(result.ok ? { result: "success" } : { result: "failure", failure: result.failure });
      if (result.ok) {
        credit(deps, candidate);
        const reply = call.reply(result.answer, target);
        const headers = reply.response.headers;
        headers.set("x-omniroute-provider", target.provider.id);
        headers.set("x-omniroute-model", headerValue(target.label));
        headers.set("x-omniroute-fallback-attempts", String(settlement.calls - 1));
        if (reply.dropped?.length) headers.set("x-omniroute-dropped", reply.dropped.join(","));
        settlement.finish({ usage: reply.usage, status: 200, ttftMs: settlement.elapsedMs() });
        await deps.usage.written();
        return reply.response;
      }
      settlement.releaseSlot();
      tried.failed(candidate, result.failure);
      penalize(deps, candidate, result.failure);
      if (!canFallBack(result.failure.kind)) {
        throw new GatewayError(
          "invalid_request",
          `Provider ${target.provider.name} answered ${result.failure.status} for ${target.label}: ${result.failure.message}`,
          {
            status: result.failure.status,
            code: "upstream_rejected_request",
          },
        );
      }
    }
    settlement.provider = tried.attempts.at(-1)?.target.provider.id;
    throw exhaustedError(tried.attempts);
  } catch (err) {
    settlement.finish(errorOutcome(err, signal));
    await deps.usage.written();
    throw err;
  }
}

/**
 * The resolved targets that can take this call: a model the catalog (or the user) typed otherwise, or a provider
 * without this endpoint, is left out; when that leaves nothing, the client hears why at once (400).
 */
function eligibleTargets<A>(services: MediaDeps, call: MediaCall<A>): Target[] {
  const resolved = services.router.resolve(call.model).filter((t) => !call.pinProvider || t.provider.id === call.pinProvider);
  const reasons: string[] = [];
  const eligible = resolved.filter((t) => {
    const type = modelTypeOf(services, t);
    if (type && type !== call.kind.type) {
      reasons.push(`"${t.label}" is ${type === "image" || type === "audio" ? `an ${type}` : `a ${type}`} model`);
      return false;
    }
    if (!call.serves(t.provider)) {
      reasons.push(`${t.provider.name} has no endpoint for it`);
      return false;
    }
    return true;
  });
  if (eligible.length === 0 && reasons.length > 0) {
    throw new GatewayError(
      "invalid_request",
      `${call.kind.route} takes ${call.kind.wants}, but ${reasons.join("; ")}. GET /v1/models lists each model with its type.`,
      {
        param: "model",
        code: "model_not_supported",
      },
    );
  }
  return eligible;
}

/** The type the catalog or the user's custom models give this model, if any. */
function modelTypeOf(services: Pick<Services, "models">, target: Target): ModelType | undefined {
  const known = target.provider.models.find((m) => m.id === target.model)?.type;
  if (known) return known;
  const custom = services.models.list(target.provider.id).find((m) => m.modelId === target.model)?.type;
  return custom === "chat" || custom === "embedding" || custom === "image" || custom === "audio" ? custom : undefined;
}
