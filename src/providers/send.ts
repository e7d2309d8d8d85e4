// One upstream call, made the same way by chat, media, count_tokens and the connection test: a deadline for the
// response headers, the caller's abort, the provider's adapter around it, and a failure classified for failover.
import { classifyHttpFailure, type Failure } from "../accounts/failure.ts";
import { GatewayError } from "../canonical/errors.ts";
import type { UpstreamFetch } from "../network/upstream-fetch.ts";
import type { AdapterContext, PreparedCall, ProviderAdapter } from "./adapters/types.ts";

export interface CallLimits {
  /** The caller's signal: a caller that leaves stops the call, and later the answer's body. */
  signal: AbortSignal;
  /** How long to wait for the response headers; the body then reads under `signal` only. */
  timeoutMs: number;
  /** Aborts the call, and later its body, from outside (an answer that goes silent); one is made when not given. */
  controller?: AbortController;
}

/**
 * fetch under the call's limits. A caller abort is thrown (the request is over); a transport failure or the
 * deadline comes back as a classified Failure so the next account can be tried. Never sent twice.
 */
export async function sendWithDeadline(
  fetch: UpstreamFetch,
  url: string,
  init: BunFetchRequestInit,
  limits: CallLimits,
): Promise<Response | Failure> {
  // One controller aborts the call and later its body. Linked by hand: AbortSignal.any() per call cost a few % of
  // the streamed throughput. The listener stays until the request ends, aborting a controller nobody reads by then.
  const upstreamAbort = limits.controller ?? new AbortController();
  const callerGone = () => upstreamAbort.abort(limits.signal.reason);
  if (limits.signal.aborted) callerGone();
  else limits.signal.addEventListener("abort", callerGone, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    upstreamAbort.abort(new GatewayError("timeout", `no response within ${Math.round(limits.timeoutMs / 1000)} s`));
  }, limits.timeoutMs);
  try {
    return await fetch(url, { ...init, signal: upstreamAbort.signal });
  } catch (err) {
    if (limits.signal.aborted) throw err;
    if (timedOut) return { kind: "timeout", status: 504, message: `no response within ${Math.round(limits.timeoutMs / 1000)} s` };
    return {
      kind: "connection",
      status: 502,
      message: `could not reach ${withoutCredentials(url)}: ${err instanceof Error ? err.message : String(err)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A non-2xx answer, read and classified (its body is consumed). */
export async function failureOf(response: Response, readMessage: (text: string) => string, status = response.status): Promise<Failure> {
  const text = await response.text().catch(() => "");
  return classifyHttpFailure(status, response.headers, readMessage(text).slice(0, 2000));
}

export interface AdaptedCall extends CallLimits {
  /** The provider's adapter; most providers have none and are pure catalog data. */
  adapter: ProviderAdapter | undefined;
  /** What the adapter is given; built only for providers that have one. */
  context: () => AdapterContext;
  /** fetch through this call's outbound proxy. */
  fetch: UpstreamFetch;
  call: PreparedCall;
  /** Told the final call as it goes out (the dashboard's chat tester shows it). */
  onSend?: (call: PreparedCall) => void;
}

export type AdaptedAnswer = { response: Response; dropped: string[] } | Failure;

/**
 * POST through the provider's adapter: its final call shape (fresh credentials, envelope), one refresh and retry
 * after an expired credential, the answer as the provider's declared format speaks it. A credential that cannot be
 * had is an "auth" failure. A body that cannot be serialized is the client's fault (a 400), thrown.
 */
export async function sendAdapted(o: AdaptedCall, readMessage: (text: string) => string): Promise<AdaptedAnswer> {
  const { adapter } = o;
  const ctx = adapter ? o.context() : undefined;
  const send = async (): Promise<AdaptedAnswer> => {
    let call = o.call;
    if (adapter?.prepare && ctx) {
      try {
        call = await adapter.prepare(call, ctx);
      } catch (err) {
        if (err instanceof GatewayError && err.kind === "authentication") return { kind: "auth", status: 401, message: err.message };
        throw err;
      }
    }
    const body = serialize(call.body);
    o.onSend?.(call);
    const sent = await sendWithDeadline(o.fetch, call.url, { method: "POST", headers: call.headers, body }, o);
    return sent instanceof Response ? { response: sent, dropped: call.dropped ?? [] } : sent;
  };
  let sent = await send();
  if (!adapter || !ctx) return sent;
  if (
    "response" in sent &&
    adapter.refreshAfterUnauthorized &&
    (sent.response.status === 401 || (await adapter.isExpiredCredential?.(sent.response, ctx)))
  ) {
    const refreshed = await adapter.refreshAfterUnauthorized(ctx).catch(() => false);
    if (!refreshed) return failureOf(sent.response, readMessage, 401);
    await sent.response.body?.cancel().catch(() => {});
    sent = await send();
  }
  if (!("response" in sent)) return sent;
  return { response: adapter.wrapResponse ? await adapter.wrapResponse(sent.response, ctx) : sent.response, dropped: sent.dropped };
}

/** The JSON text of an upstream body; a body nested too deeply to write is the client's fault, never the provider's. */
function serialize(body: Record<string, unknown>): string {
  try {
    return JSON.stringify(body);
  } catch (err) {
    throw new GatewayError("invalid_request", `The request cannot be sent upstream: ${err instanceof Error ? err.message : String(err)}.`, {
      code: "request_not_serializable",
    });
  }
}

/** A URL as it may appear in a message: without a `user:password@` part. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, "$1");
}
