// Turns a successful upstream answer into the client's: untouched on the fast path, translated otherwise.
import { GatewayError } from "../canonical/errors.ts";
import type { CanonicalRequest } from "../canonical/request.ts";
import { SSE_HEADERS } from "../canonical/sse.ts";
import type { Account } from "../accounts/pool.ts";
import type { GatewayFormat } from "../formats/registry.ts";
import type { Target } from "../routing/resolve.ts";
import type { Services } from "../services.ts";
import type { UsageRecord } from "../usage/recorder.ts";
import { passthroughStream, type StreamOutcome } from "./passthrough-stream.ts";
import type { ProxyRequest } from "./pipeline.ts";
import { translateStream } from "./translate-stream.ts";

export interface Success {
  response: Response;
  upstream: GatewayFormat;
  hideUsageFrame: boolean;
  dropped: string[];
  target: Target;
  account: Account;
  stream: boolean;
  canonical: () => CanonicalRequest;
  fallbackAttempts: number;
  /** The request went through the canonical model (Settings > AI transforms), even if the formats match. */
  transformed: boolean;
  /** Writes the usage row (and frees the account's in-flight slot) once the answer is complete. */
  record: (r: Partial<UsageRecord> & { status: number }) => void;
}

export async function respond(services: Services, req: ProxyRequest, s: Success): Promise<Response> {
  const sameFormat = s.upstream.id === req.ingress.id && !s.transformed;
  const headers: Record<string, string> = {
    "x-omniroute-provider": s.target.provider.id,
    "x-omniroute-model": s.target.label,
    "x-omniroute-fallback-attempts": String(s.fallbackAttempts),
  };
  if (s.dropped.length) headers["x-omniroute-dropped"] = s.dropped.join(",");

  if (!s.stream) {
    const text = await s.response.text();
    const ttftMs = performance.now() - req.startedAt;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      s.record({ status: 502, errorClass: "upstream_bad_body", ttftMs });
      throw new GatewayError("unreachable", `Provider ${s.target.provider.name} answered 200 with a body that is not JSON.`, { code: "upstream_bad_body" });
    }
    if (sameFormat) {
      s.record({ usage: s.upstream.passthrough.responseUsage(parsed), ttftMs, status: 200 });
      await services.usage.written();
      return new Response(text, { headers: { ...headers, "content-type": "application/json" } });
    }
    const decoded = s.upstream.decodeResponse(parsed);
    s.record({ usage: decoded.usage, ttftMs, status: 200 });
    const body = req.ingress.encodeResponse({ ...decoded, model: s.target.label }, s.canonical());
    await services.usage.written();
    return Response.json(body, { headers });
  }

  const onDone = (outcome: StreamOutcome) =>
    s.record({ usage: outcome.usage, ttftMs: outcome.firstByteAt, status: outcome.error?.status ?? 200, errorClass: outcome.error?.errorClass });
  const body = s.response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  const progress = req.progress ? req.ingress.passthrough.progressFrame : undefined;
  const settle = () => services.usage.written();
  const out = sameFormat
    ? passthroughStream(body, s.upstream.passthrough, { hideUsageFrame: s.hideUsageFrame, startedAt: req.startedAt, onDone, settle, progress })
    : translateStream(body, s.upstream, req.ingress, s.canonical(), { startedAt: req.startedAt, signal: req.signal, onDone, settle, progress });
  return new Response(out, { headers: { ...SSE_HEADERS, ...headers } });
}
