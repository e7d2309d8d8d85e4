// Errors in the OpenAI shape: HTTP bodies, the `error` object of a failed response, and the way back.
import { GatewayError, type ErrorKind } from "../../canonical/errors.ts";
import { assertNever } from "../../canonical/response.ts";
import { isRecord, str, type WireError } from "./wire.ts";

function errorType(kind: ErrorKind): string {
  switch (kind) {
    case "invalid_request":
    case "not_found":
    case "conflict":
    case "payload_too_large":
    case "unprocessable":
      return "invalid_request_error";
    case "authentication":
      return "authentication_error";
    case "permission":
      return "permission_error";
    case "rate_limit":
      // OpenAI names the exhausted limit ("requests" or "tokens"); "rate_limit_error" is Anthropic's word, not OpenAI's.
      return "requests";
    case "upstream":
    case "unreachable":
    case "unavailable":
    case "timeout":
    case "internal":
      return "server_error";
    default:
      return assertNever(kind, "error kind");
  }
}

/** `{error:{message,type,param,code}}`, as api.openai.com answers errors. */
export function encodeError(err: GatewayError): { error: { message: string; type: string; param: string | null; code: string | null } } {
  const code = err.code ?? (err.kind === "rate_limit" ? "rate_limit_exceeded" : null);
  return { error: { message: err.message, type: errorType(err.kind), param: err.param ?? null, code } };
}

/** The `error` member of a `failed` response object. */
export function responseError(err: GatewayError): WireError {
  const code = err.code ?? (err.kind === "rate_limit" ? "rate_limit_exceeded" : "server_error");
  return { code, message: err.message, type: errorType(err.kind), param: err.param ?? null };
}

export function decodeErrorMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) {
      if (isRecord(parsed.error)) return str(parsed.error.message) ?? body;
      return str(parsed.error) ?? str(parsed.message) ?? body;
    }
  } catch {
    // not JSON: the raw text is the message
  }
  return body;
}

/** A streamed `error` event or a failed response's `error` object as a GatewayError. */
export function decodeStreamError(error: unknown, fallback: string): GatewayError {
  const e = isRecord(error) ? error : {};
  const message = str(e.message) ?? fallback;
  const code = str(e.code) ?? str(e.type);
  const kind: ErrorKind = code === "rate_limit_exceeded" || code === "too_many_requests" ? "rate_limit" : "upstream";
  return new GatewayError(kind, message, { code, param: str(e.param) });
}
