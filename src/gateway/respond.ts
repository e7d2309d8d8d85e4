// Turns a successful upstream answer into the client's: untouched on the fast path, translated otherwise. The
// request's settlement hears how it ended, whether the answer completes, breaks off, or fails to be built at all.
import type { CanonicalRequest } from "../canonical/request.ts";
import { SSE_HEADERS } from "../canonical/sse.ts";
import type { GatewayFormat } from "../formats/registry.ts";
import type { UsageRecorder } from "../usage/recorder.ts";
import type { Candidate } from "./candidates.ts";
import { headerValue } from "./header-value.ts";
import { passthroughStream, type StreamOutcome } from "./passthrough-stream.ts";
import type { ProxyRequest } from "./pipeline.ts";
import type { IdleLimit, UnstreamedAnswer } from "./attempt.ts";
import { errorOutcome, type Settlement } from "./settlement.ts";
import { translateStream } from "./translate-stream.ts";

export interface Success {
  candidate: Candidate;
  response: Response;
  /** Set for an unstreamed call: the answer, already read whole. */
  unstreamed?: UnstreamedAnswer;
  upstream: GatewayFormat;
  hideUsageFrame: boolean;
  dropped: string[];
  canonical: () => CanonicalRequest;
  /** The request went through the canonical model (Settings > AI transforms), even if the formats match. */
  transformed: boolean;
  /** How long the stream may go silent before it is given up. */
  idle: IdleLimit;
}

export interface RespondDeps {
  usage: Pick<UsageRecorder, "written">;
}

export async function respond(deps: RespondDeps, req: ProxyRequest, s: Success, settlement: Settlement): Promise<Response> {
  /** The stream handed to the client, once built: cancelling it cancels the upstream body it reads. */
  let out: ReadableStream<Uint8Array> | undefined;
  try {
    req.onStep?.("respond");
    const { target } = s.candidate;
    const sameFormat = s.upstream.id === req.ingress.id && !s.transformed;
    // Header values the client chose (the model name) are made safe first: a byte Headers refuses would throw here.
    const headers: Record<string, string> = {
      "x-omniroute-provider": target.provider.id,
      "x-omniroute-model": headerValue(target.label),
      "x-omniroute-fallback-attempts": String(settlement.calls - 1),
    };
    if (s.dropped.length) headers["x-omniroute-dropped"] = s.dropped.join(",");

    if (s.unstreamed) {
      const { text, json, readAt } = s.unstreamed;
      if (sameFormat) {
        req.onStep?.("encode");
        const usage = s.upstream.passthrough.responseUsage(json);
        const response = new Response(text, { headers: { ...headers, "content-type": "application/json" } });
        settlement.finish({ usage, ttftMs: readAt, status: 200, finishReason: s.upstream.passthrough.responseFinish(json) });
        await deps.usage.written();
        return response;
      }
      const decoded = s.upstream.decodeResponse(json);
      req.onStep?.("encode");
      const response = Response.json(req.ingress.encodeResponse({ ...decoded, model: target.label }, s.canonical()), { headers });
      settlement.finish({ usage: decoded.usage, ttftMs: readAt, status: 200, finishReason: decoded.finishReason });
      await deps.usage.written();
      return response;
    }

    const onDone = (outcome: StreamOutcome) =>
      settlement.finish({
        usage: outcome.usage,
        ttftMs: outcome.firstByteAt,
        status: outcome.error?.status ?? 200,
        errorClass: outcome.error?.errorClass,
        finishReason: outcome.finishReason,
      });
    const body = s.response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const progress = req.progress ? req.ingress.passthrough.progressFrame : undefined;
    const settle = () => deps.usage.written();
    out = sameFormat
      ? passthroughStream(body, s.upstream.passthrough, {
          hideUsageFrame: s.hideUsageFrame,
          startedAt: req.startedAt,
          onDone,
          settle,
          progress,
          idle: s.idle,
        })
      : translateStream(body, s.upstream, req.ingress, s.canonical(), {
          startedAt: req.startedAt,
          signal: req.signal,
          onDone,
          settle,
          progress,
          idle: s.idle,
        });
    req.onStep?.("encode");
    return new Response(out, { headers: { ...SSE_HEADERS, ...headers } });
  } catch (err) {
    // The row says what happened first; then the upstream body is let go, through the client's stream if one was built.
    settlement.finish(errorOutcome(err, req.signal));
    void (out ?? s.response.body)?.cancel(err).catch(() => {});
    throw err;
  }
}
