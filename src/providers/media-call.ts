// One HTTP call of a media adapter (embeddings, images, transcription): the shared send, its answer read as JSON.
import type { Failure } from "../accounts/failure.ts";
import type { UpstreamFetch } from "../network/upstream-fetch.ts";
import { failureOf, sendWithDeadline } from "./send.ts";
import type { Account } from "../accounts/pool.ts";
import type { ProviderSpec } from "./types.ts";

/** Where and how an adapter calls: the provider, the account, the upstream model id, and the request's limits. */
export interface MediaUpstream {
  spec: ProviderSpec;
  account: Account;
  /** The model id as the upstream knows it (prefix removed). */
  model: string;
  /** The client's signal: a client that leaves stops the upstream call. */
  signal: AbortSignal;
  /** How long to wait for the upstream's response headers (the resilience profile's timeout); AssemblyAI bounds its whole job by it. */
  timeoutMs: number;
  /** fetch through the outbound proxy this call's scope resolves to (a proxy failure is thrown). */
  fetch: UpstreamFetch;
}

export type Sent = { ok: true; response: Response } | { ok: false; failure: Failure };
export type AdapterResult<T> = { ok: true; answer: T } | { ok: false; failure: Failure };

/**
 * The one upstream send (src/providers/send.ts) with the answer read as media adapters want it: a client abort is
 * thrown (the request is over); anything else that goes wrong is a classified Failure so the next account can be tried.
 */
export async function sendUpstream(
  url: string,
  init: BunFetchRequestInit,
  o: { signal: AbortSignal; timeoutMs: number; fetch: UpstreamFetch },
): Promise<Sent> {
  const sent = await sendWithDeadline(o.fetch, url, init, o);
  if (!(sent instanceof Response)) return { ok: false, failure: sent };
  if (!sent.ok) return { ok: false, failure: await failureOf(sent, upstreamErrorMessage) };
  return { ok: true, response: sent };
}

/** The JSON body of a successful answer, or a server failure when it is not JSON (another account may do better). */
export async function readJson(
  response: Response,
  provider: string,
  signal: AbortSignal,
): Promise<{ ok: true; body: unknown } | { ok: false; failure: Failure }> {
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    if (signal.aborted) throw err;
    return {
      ok: false,
      failure: {
        kind: "connection",
        status: 502,
        message: `${provider} cut the answer short: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  }
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, failure: badAnswer(provider, "with a body that is not JSON") };
  }
}

/** A 200 whose body does not have the shape the provider documents. */
export function badAnswer(provider: string, what: string): Failure {
  return { kind: "server", status: 502, message: `${provider} answered 200 ${what}` };
}

/**
 * The human message of a media provider's error body: OpenAI and Fireworks `{error:{message}}`, Gemini
 * `{error:{message,status}}`, AssemblyAI `{error:"..."}`, Deepgram `{err_msg}` or `{message,details}`; else the raw text.
 */
export function upstreamErrorMessage(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (Array.isArray(parsed)) parsed = parsed[0];
  if (!isRecord(parsed)) return text;
  const { error } = parsed;
  if (isRecord(error) && typeof error.message === "string") return error.message;
  if (typeof error === "string") return error;
  if (typeof parsed.err_msg === "string") return parsed.err_msg;
  if (typeof parsed.message === "string")
    return typeof parsed.details === "string" && parsed.details ? `${parsed.message} ${parsed.details}` : parsed.message;
  if (typeof parsed.detail === "string") return parsed.detail;
  return text;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
