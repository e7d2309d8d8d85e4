// Anthropic error bodies {"type":"error","error":{"type","message"}} <-> GatewayError.
import { GatewayError, type ErrorKind } from "../../canonical/errors.ts";
import { isRecord } from "./wire.ts";

const TYPE_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  503: "overloaded_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/** The Anthropic error type for an HTTP status (the types Anthropic documents, by status). */
export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

export function encodeError(err: GatewayError): { type: "error"; error: { type: string; message: string } } {
  return { type: "error", error: { type: anthropicErrorType(err.status), message: err.message } };
}

const KIND_BY_TYPE: Record<string, { kind: ErrorKind; status?: number }> = {
  invalid_request_error: { kind: "invalid_request" },
  authentication_error: { kind: "authentication" },
  billing_error: { kind: "permission", status: 402 },
  permission_error: { kind: "permission" },
  not_found_error: { kind: "not_found" },
  request_too_large: { kind: "payload_too_large" },
  rate_limit_error: { kind: "rate_limit" },
  api_error: { kind: "upstream", status: 500 },
  overloaded_error: { kind: "upstream", status: 529 },
  timeout_error: { kind: "timeout" },
};

/** An Anthropic error object (as in an `event: error` frame) as a GatewayError. */
export function gatewayErrorFrom(error: unknown): GatewayError {
  const type = isRecord(error) && typeof error.type === "string" ? error.type : "api_error";
  const message = isRecord(error) && typeof error.message === "string" ? error.message : "The upstream reported an error";
  const mapped = KIND_BY_TYPE[type] ?? { kind: "upstream" as const };
  return new GatewayError(mapped.kind, message, { status: mapped.status, code: type });
}

export function decodeErrorMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) {
      if (isRecord(parsed.error) && typeof parsed.error.message === "string") return parsed.error.message;
      if (typeof parsed.message === "string") return parsed.message;
    }
  } catch {
    /* not JSON: the raw text is the message */
  }
  return body;
}
