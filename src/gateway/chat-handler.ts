// One client chat call, around the pipeline: idempotent replays, the response cache, progress frames, the request log.
import type { Context } from "hono";
import type { AppEnv } from "../context.ts";
import type { GatewayFormat } from "../formats/registry.ts";
import type { RouteHints } from "../formats/types.ts";
import type { Services } from "../services.ts";
import { cacheKey } from "./cache.ts";
import { captureResponse, replay, type CapturedResponse } from "./capture.ts";
import { errorResponse } from "./error-response.ts";
import { proxyChat, type ProxyRequest } from "./pipeline.ts";
import { GatewayError } from "../canonical/errors.ts";
import { log } from "../log.ts";
import { logExchange } from "../usage/request-logs/tap.ts";
import { serveWithResponsesState } from "./responses-state/serve.ts";

export interface ChatCall {
  c: Context<AppEnv>;
  ingress: GatewayFormat;
  endpoint: string;
  body: Record<string, unknown>;
  hints: RouteHints;
  pinProvider?: string;
}

export async function serveChat(services: Services, call: ChatCall): Promise<Response> {
  const logs = services.requestLogs;
  if (!logs) return serveIdempotent(services, call);
  // ENABLE_REQUEST_LOGS: keep the exchange as the client sees it, errors included.
  const ts = Date.now();
  let response: Response;
  try {
    response = await serveIdempotent(services, call);
  } catch (err) {
    if (!(err instanceof GatewayError)) log.error(`${call.c.req.method} ${call.c.req.path} failed`, err);
    response = errorResponse(call.c.req.path, err);
  }
  const exchange = {
    requestId: call.c.get("requestId"),
    ts,
    endpoint: call.endpoint,
    model: String(call.hints.model ?? call.body.model ?? ""),
    headers: call.c.req.raw.headers,
    body: call.body,
  };
  return logExchange(logs, exchange, response, (err) => log.error("request log entry not kept", err));
}

async function serveIdempotent(services: Services, call: ChatCall): Promise<Response> {
  const { c } = call;
  const keyId = c.get("apiKey")?.id ?? null;
  const idem = c.req.header("idempotency-key") ?? c.req.header("x-request-id");
  if (!idem) return serveCached(services, call);

  const scoped = `${keyId ?? "anonymous"}\u0000${idem}`;
  const claim = await services.idempotency.claim(scoped);
  if (!claim.first) {
    const answer = await claim.answer;
    if (answer) {
      // A replay costs nothing and is counted as sent: one row, no provider charged.
      await recordAnswered(services, call, answer, "replay");
      return replay(answer, { "x-omniroute-idempotent": "true", "x-omniroute-request-id": c.get("requestId") });
    }
    // The first one did not complete: this one runs on its own.
    return serveCached(services, call);
  }
  let response: Response;
  try {
    response = await serveCached(services, call);
  } catch (err) {
    response = errorResponse(c.req.path, err);
  }
  const captured = captureResponse(response);
  void captured.done.then((answer) => services.idempotency.finish(scoped, answer));
  return captured.response;
}

async function serveCached(services: Services, call: ChatCall): Promise<Response> {
  const { c, ingress, body, hints } = call;
  const settings = services.settings.get();
  const cacheable =
    settings.cache.enabled && c.req.header("x-omniroute-no-cache") !== "true" && ingress.passthrough.temperature(body) === 0;
  const keyId = c.get("apiKey")?.id ?? null;
  if (!cacheable) return run(services, call);

  const model = String(hints.model ?? body.model ?? "");
  const key = cacheKey(keyId, ingress.id, model, { body, stream: hints.stream ?? null });
  const hit = await services.cache.get(key);
  if (hit) {
    await recordAnswered(services, call, hit, "hit");
    return replay(hit, { "x-omniroute-cache": "HIT", "x-omniroute-request-id": c.get("requestId") });
  }
  let status = 0;
  const response = await run(services, call, (s) => (status = s));
  response.headers.set("x-omniroute-cache", "MISS");
  if (response.status !== 200) return response;
  const captured = captureResponse(response);
  void captured.done.then((answer) => {
    if (answer && status === 200) services.cache.set(key, answer, settings.cache.ttlSeconds * 1000);
  });
  return captured.response;
}

/** The row of a request answered from a kept answer (the cache, or an idempotent replay): no upstream call, no cost. */
async function recordAnswered(services: Services, call: ChatCall, answer: CapturedResponse, how: "hit" | "replay"): Promise<void> {
  const { c, body, hints } = call;
  services.usage.record({
    requestId: c.get("requestId"),
    keyId: c.get("apiKey")?.id ?? null,
    endpoint: call.endpoint,
    modelRequested: String(hints.model ?? body.model ?? ""),
    attempt: 0,
    stream: hints.stream ?? body.stream === true,
    startedAt: Date.now(),
    latencyMs: 0,
    ttftMs: 0,
    status: answer.status,
    cache: how,
    provider: answer.headers.find(([k]) => k === "x-omniroute-provider")?.[1],
  });
  services.observer
    .request({
      requestId: c.get("requestId"),
      endpoint: call.endpoint,
      ingress: call.ingress.id,
      model: String(hints.model ?? body.model ?? ""),
      stream: hints.stream ?? body.stream === true,
      headers: c.req.raw.headers,
      kept: how,
    })
    .end({ status: answer.status, ttftMs: 0 }, undefined, 0);
  await services.usage.written();
}

function run(services: Services, call: ChatCall, onComplete?: (status: number) => void): Promise<Response> {
  if (call.ingress.id !== "responses") return proxy(services, call, call.body, onComplete);
  // previous_response_id and item_reference work on any upstream: the gateway keeps what it returned.
  const scope = call.c.get("apiKey")?.id ?? "anonymous";
  const requestBytes = Number(call.c.req.header("content-length")) || 0;
  return serveWithResponsesState(services, { scope, body: call.body, requestBytes }, (body) => proxy(services, call, body, onComplete));
}

function proxy(
  services: Services,
  call: ChatCall,
  body: Record<string, unknown>,
  onComplete?: (status: number) => void,
): Promise<Response> {
  const { c } = call;
  const apiKey = c.get("apiKey");
  const req: ProxyRequest = {
    requestId: c.get("requestId"),
    keyId: apiKey?.id ?? null,
    keyName: apiKey?.name ?? "anonymous",
    endpoint: call.endpoint,
    ingress: call.ingress,
    body,
    hints: call.hints,
    signal: c.req.raw.signal,
    startedAt: performance.now(),
    receivedAt: Date.now(),
    pinProvider: call.pinProvider,
    progress: c.req.header("x-omniroute-progress") === "true",
    headers: c.req.raw.headers,
    onComplete,
  };
  return proxyChat(services, req);
}
