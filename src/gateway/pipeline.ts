// The straight line every proxied chat request walks: resolve -> reserve -> for each candidate: attempt ->
// respond or classify -> one settlement that writes the row, frees the slot and settles the budget.
import { GatewayError } from "../canonical/errors.ts";
import type { CanonicalRequest } from "../canonical/request.ts";
import type { GatewayFormat } from "../formats/registry.ts";
import type { RouteHints } from "../formats/types.ts";
import type { QuotaStore } from "../accounts/quota.ts";
import type { Router } from "../routing/resolve.ts";
import type { Budgets } from "../usage/budgets.ts";
import { estimateCost } from "../usage/estimate.ts";
import type { Pricing } from "../usage/pricing.ts";
import type { UsageRecorder } from "../usage/recorder.ts";
import { attemptUpstream, type AttemptDeps, type UpstreamRequestSent } from "./attempt.ts";
import { abstain, canFallBack, candidates, credit, penalize, Tried, type Candidate, type CandidateDeps } from "./candidates.ts";
import { exhaustedError } from "./exhausted.ts";
import { respond } from "./respond.ts";
import type { OpenAnswers } from "./open-answers.ts";
import type { PipelineObserver } from "./observer.ts";
import { errorOutcome, Settlement } from "./settlement.ts";
import { applyTransforms, hasTransforms } from "./transforms.ts";

export interface ProxyRequest {
  requestId: string;
  keyId: string | null;
  keyName: string;
  endpoint: string;
  ingress: GatewayFormat;
  body: Record<string, unknown>;
  hints: RouteHints;
  signal: AbortSignal;
  startedAt: number;
  /** Wall-clock time of arrival, for the usage row. */
  receivedAt: number;
  /** Set on /v1/providers/{provider}/...: only that provider may serve. */
  pinProvider?: string;
  /** X-OmniRoute-Progress: true — interleave progress frames in the stream. */
  progress?: boolean;
  /** Told the final status once the usage row is written (cache and idempotency keep only complete answers). */
  onComplete?: (status: number) => void;
  /** Told each upstream request as it is sent (the dashboard's chat tester shows them). */
  onUpstreamRequest?: (sent: UpstreamRequestSent) => void;
  /** Told each step as the request reaches it (tests inject faults here). */
  onStep?: (step: PipelineStep) => void;
  /** The client's request headers, for whoever watches the pipeline (a `traceparent` continues the client's trace). */
  headers?: Headers;
}

/** The points of the straight line a request passes, in order. */
export type PipelineStep = "resolved" | "reserved" | "answered" | "respond" | "encode";

export interface PipelineDeps extends CandidateDeps, AttemptDeps {
  /** Adapters report quota windows; a usage-limit answer uses up the windows counted for a plan. */
  quotas: Pick<QuotaStore, "report" | "exhaustLocal">;
  openAnswers: OpenAnswers;
  observer: PipelineObserver;
  router: Router;
  budgets: Budgets;
  pricing: Pricing;
  usage: UsageRecorder;
}

export async function proxyChat(deps: PipelineDeps, req: ProxyRequest): Promise<Response> {
  const model = req.hints.model ?? req.body.model;
  const stream = req.hints.stream ?? req.body.stream === true;
  const modelRequested = typeof model === "string" ? model : "";
  const maxTokens = req.body.max_tokens ?? req.body.max_completion_tokens ?? req.body.max_output_tokens;
  const watch = deps.observer.request({
    requestId: req.requestId,
    endpoint: req.endpoint,
    ingress: req.ingress.id,
    model: modelRequested,
    stream,
    headers: req.headers,
    maxTokens: typeof maxTokens === "number" ? maxTokens : undefined,
  });
  const settlement = new Settlement(
    deps.usage,
    {
      requestId: req.requestId,
      keyId: req.keyId,
      endpoint: req.endpoint,
      modelRequested,
      stream,
      receivedAt: req.receivedAt,
      startedAt: req.startedAt,
    },
    req.onComplete,
    watch,
  );
  /** The upstream's answer once one came: let go of its body if the request fails before the client's answer owns it. */
  let answered: Response | undefined;
  try {
    if (typeof model !== "string" || model.length === 0) {
      throw new GatewayError("invalid_request", 'The request must name a model (a string such as "ds/deepseek-chat").', { param: "model" });
    }
    const targets = deps.router.resolve(model).filter((t) => !req.pinProvider || t.provider.id === req.pinProvider);
    req.onStep?.("resolved");
    // A spent budget stops the request here, before any upstream is called.
    const first = targets[0];
    settlement.provider = first?.provider.id;
    settlement.holdReservation(
      await deps.budgets.reserve(
        req.keyId,
        req.keyName,
        () => estimateCost(deps, first, req.body),
        first ? `${first.provider.id}/${first.model}` : model,
      ),
    );
    req.onStep?.("reserved");

    let decoded: CanonicalRequest | undefined;
    const settings = deps.settings.get();
    const transformed = hasTransforms(settings);
    const canonical = () =>
      (decoded ??= transformed
        ? applyTransforms(req.ingress.decodeRequest(req.body, req.hints), settings)
        : req.ingress.decodeRequest(req.body, req.hints));

    const tried = new Tried();
    for await (const candidate of candidates(deps, targets, tried)) {
      settlement.calling(candidate, candidate.slot);
      const attempt = watch.attempt(candidate);
      const result = await attemptOnce(deps, req, candidate, () =>
        attemptUpstream(deps, { req, candidate, stream, canonical, transformed }),
      ).catch((err: unknown) => {
        attempt.end({ result: "error", error: err });
        throw err;
      });
      attempt.end(result.ok ? { result: "success" } : { result: "failure", failure: result.failure });
      if (result.ok) {
        answered = result.response;
        // Until it is over, the answer can be stopped from outside (a shutdown past its drain time).
        settlement.whenFinished(deps.openAnswers.add(result.idle.giveUp));
        credit(deps, candidate);
        req.onStep?.("answered");
        return await respond(deps, req, { ...result, candidate, canonical, transformed }, settlement);
      }
      settlement.releaseSlot();
      tried.failed(candidate, result.failure);
      penalize(deps, candidate, result.failure);
      if (!canFallBack(result.failure.kind)) throw clientFault(candidate, result.failure.status, result.failure.message);
    }
    settlement.provider = tried.attempts.at(-1)?.target.provider.id;
    throw exhaustedError(tried.attempts);
  } catch (err) {
    // Whatever ended the request, it leaves its row and holds nothing (a no-op when the answer already settled).
    settlement.finish(errorOutcome(err, req.signal));
    void answered?.body?.cancel(err).catch(() => {});
    await deps.usage.written();
    throw err;
  }
}

/** One attempt; a throw from it (the client left, the request itself was at fault) gives no verdict on the upstream. */
async function attemptOnce<T>(deps: CandidateDeps, req: ProxyRequest, candidate: Candidate, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    abstain(deps, candidate);
    if (req.signal.aborted && !(err instanceof GatewayError)) {
      throw new GatewayError("invalid_request", "The client closed the request.", { status: 499, code: "client_closed", cause: err });
    }
    throw err;
  }
}

/** A client fault is answered at once with the upstream's status and words. */
function clientFault(candidate: Candidate, status: number, message: string): GatewayError {
  return new GatewayError(
    "invalid_request",
    `Provider ${candidate.target.provider.name} answered ${status} for ${candidate.target.label}: ${message}`,
    {
      status,
      code: "upstream_rejected_request",
    },
  );
}
