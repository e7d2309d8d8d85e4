// Chat Completions error bodies {"error":{message,type,param,code}} <-> GatewayError.
import { GatewayError } from "../../canonical/errors.ts";
import { isRecord } from "./wire.ts";

export interface ChatErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * The `type` OpenAI sends for a status: every 4xx but 429 is "invalid_request_error" (401 and 404
 * included, told apart by `code`: invalid_api_key, model_not_found); a 429 is "insufficient_quota"
 * when out of credit (or our budget), else "requests" with code "rate_limit_exceeded"; 5xx "server_error".
 */
function errorType(err: GatewayError): { type: string; code: string | null } {
  if (err.status === 429) {
    if (err.code === "insufficient_quota" || err.code === "budget_exceeded") return { type: "insufficient_quota", code: err.code };
    return { type: "requests", code: err.code ?? "rate_limit_exceeded" };
  }
  if (err.status >= 500) return { type: "server_error", code: err.code ?? null };
  return { type: "invalid_request_error", code: err.code ?? null };
}

export function encodeError(err: GatewayError): ChatErrorBody {
  const { type, code } = errorType(err);
  return { error: { message: err.message, type, param: err.param ?? null, code } };
}

/**
 * The `error` object of a stream chunk (or of a 200 body) as a GatewayError. No HTTP status came with it, so the
 * status is guessed from type/code (or a numeric code, as some providers send), else the "upstream" default (502).
 * A rate limit is kind "rate_limit", as the Anthropic and Responses decoders read theirs; anything else "upstream".
 */
export function gatewayErrorFrom(error: unknown): GatewayError {
  const e = isRecord(error) ? error : {};
  const message = typeof e.message === "string" ? e.message : typeof error === "string" ? error : "The upstream reported an error";
  const code = typeof e.code === "string" ? e.code : typeof e.code === "number" ? String(e.code) : undefined;
  const param = typeof e.param === "string" ? e.param : undefined;
  const type = typeof e.type === "string" ? e.type : undefined;
  const status = typeof e.code === "number" && e.code >= 400 && e.code < 600 ? e.code : statusForType(type, code);
  return new GatewayError(status === 429 ? "rate_limit" : "upstream", message, { status, code: code ?? type, param });
}

function statusForType(type: string | undefined, code: string | undefined): number | undefined {
  if (
    code === "rate_limit_exceeded" ||
    code === "insufficient_quota" ||
    type === "insufficient_quota" ||
    type === "requests" ||
    type === "tokens"
  )
    return 429;
  if (code === "invalid_api_key") return 401;
  if (code === "context_length_exceeded" || type === "invalid_request_error") return 400;
  if (type === "server_error") return 500;
  return undefined;
}

/** The human message of an error body: `error.message`, a bare `{message}`, `{error: "text"}`, `{detail}`, or the raw text. */
export function decodeErrorMessage(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (Array.isArray(parsed)) parsed = parsed[0];
  if (!isRecord(parsed)) return body;
  const { error } = parsed;
  if (isRecord(error) && typeof error.message === "string") return error.message;
  if (typeof error === "string") return error;
  if (typeof parsed.message === "string") return parsed.message;
  if (typeof parsed.detail === "string") return parsed.detail;
  return body;
}
