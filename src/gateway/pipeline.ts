// The straight line every proxied chat request walks: resolve targets, pick accounts, send, fail over
// before the first byte, then answer in the client's format while usage is tapped.
import { GatewayError } from "../canonical/errors.ts";
import type { CanonicalRequest } from "../canonical/request.ts";
import type { GatewayFormat } from "../formats/registry.ts";
import type { RouteHints } from "../formats/types.ts";
import type { Services } from "../services.ts";
import type { UsageRecord } from "../usage/recorder.ts";
import { attemptUpstream, type UpstreamRequestSent } from "./attempt.ts";
import { newFailoverState, runFailover } from "./failover.ts";
import { respond } from "./respond.ts";
import { estimateCost } from "../usage/estimate.ts";
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
}

export async function proxyChat(services: Services, req: ProxyRequest): Promise<Response> {
  const model = req.hints.model ?? req.body.model;
  if (typeof model !== "string" || model.length === 0) {
    throw new GatewayError("invalid_request", "The request must name a model (a string such as \"ds/deepseek-chat\").", { param: "model" });
  }
  const stream = req.hints.stream ?? req.body.stream === true;
  const targets = services.router.resolve(model).filter((t) => !req.pinProvider || t.provider.id === req.pinProvider);
  const failover = newFailoverState();
  let decoded: CanonicalRequest | undefined;
  const settings = services.settings.get();
  const transformed = hasTransforms(settings);
  const canonical = () => (decoded ??= transformed ? applyTransforms(req.ingress.decodeRequest(req.body, req.hints), settings) : req.ingress.decodeRequest(req.body, req.hints));

  // A spent budget stops the request here, before any upstream is called.
  const first = targets[0];
  const reservation = await services.budgets.reserve(req.keyId, req.keyName, () => estimateCost(services, first, req.body), first ? `${first.provider.id}/${first.model}` : model);
  const record = (r: Partial<UsageRecord> & { status: number }) => {
    services.usage.record({
      requestId: req.requestId, keyId: req.keyId, endpoint: req.endpoint, modelRequested: model, attempt: Math.max(1, failover.calls), stream,
      startedAt: req.receivedAt, latencyMs: performance.now() - req.startedAt, ...r,
    });
    reservation.release();
    req.onComplete?.(r.status);
  };
  try {
    return await route();
  } catch (err) {
    reservation.release();
    throw err;
  }

  async function route(): Promise<Response> {
    const outcome = await runFailover<Response>(services, targets, failover, async (target, account, slot) => {
      const profile = services.resilience.profile(target.provider.id);
      let result;
      try {
        result = await attemptUpstream({ services, req, target, account, stream, canonical, timeoutMs: profile.timeoutMs, transformed });
      } catch (err) {
        if (req.signal.aborted) {
          record({ provider: target.provider.id, connectionId: account.id, modelServed: target.model, combo: target.combo, status: 499, errorClass: "client_closed" });
          return { ended: new Response(null, { status: 499 }) };
        }
        throw err;
      }
      if (!result.ok) return { failure: result.failure };
      const success = result;
      return {
        answer: () => respond(services, req, {
          ...success, target, account, stream, canonical, fallbackAttempts: slot.fallbackAttempts, transformed,
          record: (r) => { slot.release(); record({ ...r, provider: target.provider.id, connectionId: account.id, modelServed: target.model, combo: target.combo }); },
        }),
      };
    });
    if ("served" in outcome) return outcome.served;
    const failure = outcome.exhausted;
    record({ status: failure.status, errorClass: failure.code ?? failure.kind, provider: failover.attempts.at(-1)?.target.provider.id });
    throw failure;
  }
}
