// One media call (embeddings, images, transcription) down chat's line: typed targets, budget, failover, one usage row.
import type { Context } from "hono";
import { GatewayError } from "../../canonical/errors.ts";
import type { Usage } from "../../canonical/usage.ts";
import type { AppEnv } from "../../context.ts";
import { listProviderModels } from "../../db/queries/provider-models.ts";
import { upstreamFetch } from "../../network/upstream-fetch.ts";
import type { AdapterResult, MediaUpstream } from "../../providers/media-call.ts";
import type { ModelType, ProviderSpec } from "../../providers/types.ts";
import type { Target } from "../../routing/resolve.ts";
import type { Services } from "../../services.ts";
import type { UsageRecord } from "../../usage/recorder.ts";
import { newFailoverState, runFailover } from "../failover.ts";

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

export async function serveMedia<A>(services: Services, call: MediaCall<A>): Promise<Response> {
  const { c } = call;
  c.env?.server?.timeout(c.req.raw, 0); // a transcription may take minutes: lift Bun's idle timeout for this request
  const startedAt = performance.now();
  const receivedAt = Date.now();
  const apiKey = c.get("apiKey");
  const keyId = apiKey?.id ?? null;
  const signal = c.req.raw.signal;
  const targets = eligibleTargets(services, call);
  const failover = newFailoverState();

  // A spent budget stops the request here, before any upstream is called.
  const first = targets[0];
  const reservation = await services.budgets.reserve(keyId, apiKey?.name ?? "anonymous", () => (first ? call.estimate(first) : 0), first ? `${first.provider.id}/${first.model}` : call.model);
  const record = (r: Partial<UsageRecord> & { status: number }) => {
    const latencyMs = performance.now() - startedAt;
    services.usage.record({
      requestId: c.get("requestId"), keyId, endpoint: call.endpoint, modelRequested: call.model, attempt: Math.max(1, failover.calls),
      stream: false, startedAt: receivedAt, latencyMs, ttftMs: r.status === 200 ? latencyMs : undefined, ...r,
    });
    reservation.release();
  };

  try {
    const outcome = await runFailover<Response>(services, targets, failover, async (target, account, slot) => {
      const served = { provider: target.provider.id, connectionId: account.id, modelServed: target.model, combo: target.combo };
      const upstream: MediaUpstream = {
        spec: target.provider, account, model: target.model, signal, timeoutMs: services.resilience.profile(target.provider.id).timeoutMs,
        fetch: (url, init) => upstreamFetch(services, url, init, { keyId, combo: target.combo, provider: target.provider.id, account }),
      };
      let result: AdapterResult<A>;
      try {
        result = await call.send(upstream, target);
      } catch (err) {
        if (signal.aborted) {
          record({ ...served, status: 499, errorClass: "client_closed" });
          return { ended: new Response(null, { status: 499 }) };
        }
        throw err;
      }
      if (!result.ok) return { failure: result.failure };
      const answer = result.answer;
      return {
        async answer() {
          slot.release();
          let reply: MediaReply;
          try {
            reply = call.reply(answer, target);
          } catch (err) {
            record({ ...served, status: 500, errorClass: "reply_failed" });
            throw err;
          }
          record({ ...served, usage: reply.usage, status: 200 });
          await services.usage.written();
          const headers = reply.response.headers;
          headers.set("x-omniroute-provider", target.provider.id);
          headers.set("x-omniroute-model", target.label);
          headers.set("x-omniroute-fallback-attempts", String(slot.fallbackAttempts));
          if (reply.dropped?.length) headers.set("x-omniroute-dropped", reply.dropped.join(","));
          return reply.response;
        },
      };
    });
    if ("served" in outcome) return outcome.served;
    const failure = outcome.exhausted;
    record({ status: failure.status, errorClass: failure.code ?? failure.kind, provider: failover.attempts.at(-1)?.target.provider.id });
    throw failure;
  } catch (err) {
    reservation.release();
    throw err;
  }
}

/**
 * The resolved targets that can take this call: a model the catalog (or the user) typed otherwise, or a provider
 * without this endpoint, is left out; when that leaves nothing, the client hears why at once (400).
 */
function eligibleTargets<A>(services: Services, call: MediaCall<A>): Target[] {
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
    throw new GatewayError("invalid_request", `${call.kind.route} takes ${call.kind.wants}, but ${reasons.join("; ")}. GET /v1/models lists each model with its type.`, {
      param: "model",
      code: "model_not_supported",
    });
  }
  return eligible;
}

/** The type the catalog or the user's custom models give this model, if any. */
function modelTypeOf(services: Services, target: Target): ModelType | undefined {
  const known = target.provider.models.find((m) => m.id === target.model)?.type;
  if (known) return known;
  const custom = listProviderModels(services.db, target.provider.id).find((m) => m.modelId === target.model)?.type;
  return custom === "chat" || custom === "embedding" || custom === "image" || custom === "audio" ? custom : undefined;
}
