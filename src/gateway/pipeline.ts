// The straight line every proxied chat request walks: resolve targets, pick an account, send,
// fail over before the first byte, then stream back in the client's format while usage is tapped.
import { GatewayError, kindForStatus } from "../canonical/errors.ts";
import type { CanonicalRequest } from "../canonical/request.ts";
import { SSE_HEADERS } from "../canonical/sse.ts";
import { selectAccount } from "../accounts/select.ts";
import { getFormat, type GatewayFormat } from "../formats/registry.ts";
import type { RouteHints } from "../formats/types.ts";
import { upstreamCall } from "../providers/upstream.ts";
import { resolveTargets, type Target } from "../routing/resolve.ts";
import type { Services } from "../services.ts";
import { passthroughStream, type StreamOutcome } from "./passthrough-stream.ts";
import { translateStream } from "./translate-stream.ts";

export interface ProxyRequest {
  requestId: string;
  keyId: string | null;
  endpoint: string;
  ingress: GatewayFormat;
  body: Record<string, unknown>;
  hints: RouteHints;
  signal: AbortSignal;
  startedAt: number;
  /** Wall-clock time of arrival, for the usage row. */
  receivedAt: number;
}

interface Attempt {
  target: Target;
  /** no-account: nothing to send with; unreachable: the call never got an answer; upstream: it answered an error. */
  outcome: "no-account" | "unreachable" | "upstream";
  accountId?: string;
  status: number;
  reason: string;
}

export async function proxyChat(services: Services, req: ProxyRequest): Promise<Response> {
  const model = req.hints.model ?? req.body.model;
  if (typeof model !== "string" || model.length === 0) {
    throw new GatewayError("invalid_request", "The request must name a model (a string such as \"ds/deepseek-chat\").", { param: "model" });
  }
  const stream = req.hints.stream ?? req.body.stream === true;
  const targets = resolveTargets(services.providers, model);
  const attempts: Attempt[] = [];
  let canonical: CanonicalRequest | undefined;

  const record = (extra: Partial<Parameters<Services["usage"]["record"]>[0]> & { status: number }) =>
    services.usage.record({
      requestId: req.requestId,
      keyId: req.keyId,
      endpoint: req.endpoint,
      modelRequested: model,
      attempt: attempts.length + 1,
      stream,
      startedAt: req.receivedAt,
      latencyMs: performance.now() - req.startedAt,
      ...extra,
    });

  for (const target of targets) {
    const account = selectAccount(services.accounts, target.provider.id);
    if (!account) {
      attempts.push({ target, outcome: "no-account", status: 503, reason: `no active connection for provider "${target.provider.id}"` });
      continue;
    }
    const upstream = getFormat(target.provider.format);
    let body: Record<string, unknown>;
    let hideUsageFrame = false;
    let dropped: string[] = [];
    if (upstream.id === req.ingress.id) {
      const forwarded = upstream.passthrough.forwardBody(req.body, target.model, stream);
      body = forwarded.body;
      hideUsageFrame = forwarded.addedUsageFrame;
    } else {
      canonical ??= req.ingress.decodeRequest(req.body, req.hints);
      const encoded = upstream.encodeRequest({ ...canonical, model: target.model });
      body = encoded.body;
      dropped = encoded.dropped;
    }

    const call = upstreamCall(target.provider, account, upstream, target.model, stream);
    services.accounts.markUsed(account.id, Date.now());
    let response: Response;
    try {
      response = await fetch(call.url, { method: "POST", headers: call.headers, body: JSON.stringify(body), signal: req.signal });
    } catch (err) {
      if (req.signal.aborted) {
        record({ provider: target.provider.id, connectionId: account.id, modelServed: target.model, status: 499, errorClass: "client_closed" });
        return new Response(null, { status: 499 });
      }
      attempts.push({ target, outcome: "unreachable", accountId: account.id, status: 502, reason: `could not reach ${call.url}: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }

    if (!response.ok) {
      const text = await response.text().catch(() => "");
      const message = upstream.decodeErrorMessage(text);
      attempts.push({ target, outcome: "upstream", accountId: account.id, status: response.status, reason: message });
      continue;
    }

    const headers: Record<string, string> = {
      "x-omniroute-request-id": req.requestId,
      "x-omniroute-provider": target.provider.id,
      "x-omniroute-model": target.label,
      "x-omniroute-fallback-attempts": String(attempts.length),
    };
    if (dropped.length) headers["x-omniroute-dropped"] = dropped.join(",");
    const served = { provider: target.provider.id, connectionId: account.id, modelServed: target.model };

    if (!stream) {
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        attempts.push({ target, outcome: "upstream", accountId: account.id, status: 502, reason: "answered with a body that is not JSON" });
        continue;
      }
      const ttftMs = performance.now() - req.startedAt;
      if (upstream.id === req.ingress.id) {
        record({ ...served, usage: upstream.passthrough.responseUsage(parsed), ttftMs, status: 200 });
        return new Response(text, { headers: { ...headers, "content-type": "application/json" } });
      }
      const decoded = upstream.decodeResponse(parsed);
      record({ ...served, usage: decoded.usage, ttftMs, status: 200 });
      return Response.json(req.ingress.encodeResponse({ ...decoded, model: target.label }, canonical!), { headers });
    }

    const onDone = (outcome: StreamOutcome) =>
      record({
        ...served,
        usage: outcome.usage,
        ttftMs: outcome.firstByteAt,
        status: outcome.error?.status ?? 200,
        errorClass: outcome.error?.errorClass,
      });
    const upstreamBody = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const out = upstream.id === req.ingress.id
      ? passthroughStream(upstreamBody, upstream.passthrough, { hideUsageFrame, startedAt: req.startedAt, onDone })
      : translateStream(upstreamBody, upstream, req.ingress, canonical!, { startedAt: req.startedAt, signal: req.signal, onDone });
    return new Response(out, { headers: { ...SSE_HEADERS, ...headers } });
  }

  const failure = exhaustedError(attempts);
  record({ status: failure.status, errorClass: failure.code ?? failure.kind, provider: attempts.at(-1)?.target.provider.id });
  throw failure;
}

/** The error a client sees when no target answered: the upstream's own status when there was one try. */
function exhaustedError(attempts: Attempt[]): GatewayError {
  if (attempts.length === 1) {
    const only = attempts[0]!;
    const provider = only.target.provider.name;
    switch (only.outcome) {
      case "no-account":
        return new GatewayError("unavailable", `Cannot serve ${only.target.label}: ${only.reason}. Connect an account in the dashboard (Providers) or with POST /api/providers.`, { code: "no_connection" });
      case "unreachable":
        return new GatewayError("unreachable", `Provider ${provider} could not be reached: ${only.reason}`, { code: "upstream_unreachable" });
      case "upstream":
        return new GatewayError(kindForStatus(only.status), `Provider ${provider} answered ${only.status} for ${only.target.label}: ${only.reason}`, {
          status: only.status,
          code: "upstream_error",
        });
    }
  }
  const lines = attempts.map((a) => `${a.target.label}${a.accountId ? ` (account ${a.accountId})` : ""}: ${a.status} ${a.reason}`);
  return new GatewayError("unavailable", `Every target failed:\n${lines.join("\n")}`, { code: "all_targets_failed" });
}
