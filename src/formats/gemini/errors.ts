// Google's {"error":{code,message,status}} error body: written for clients, read from upstreams.
import { GatewayError, kindForStatus } from "../../canonical/errors.ts";
import { isRecord, num, str, type GeminiErrorBody, type Json } from "./wire.ts";

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  413: "INVALID_ARGUMENT",
  415: "INVALID_ARGUMENT",
  422: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** The google.rpc status name Google's APIs pair with an HTTP status. */
export function statusName(code: number): string {
  return STATUS_NAMES[code] ?? (code >= 500 ? "INTERNAL" : code >= 400 ? "FAILED_PRECONDITION" : "UNKNOWN");
}

const RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";

export function encodeGeminiError(err: GatewayError): GeminiErrorBody {
  const details: Json[] = err.retryAfter !== undefined ? [{ "@type": RETRY_INFO, retryDelay: `${err.retryAfter}s` }] : [];
  return {
    error: {
      code: err.status,
      message: err.message,
      status: statusName(err.status),
      ...(details.length ? { details } : {}),
    },
  };
}

/** The `error` object of a body, which Gemini sometimes wraps in a one-element array. */
function errorObject(body: unknown): Json | undefined {
  const root = Array.isArray(body) ? body[0] : body;
  return isRecord(root) && isRecord(root.error) ? root.error : undefined;
}

export function decodeGeminiErrorMessage(body: string): string {
  try {
    const message = str(errorObject(JSON.parse(body))?.message);
    if (message) return message;
  } catch {
    /* not JSON: the text itself is the message */
  }
  return body;
}

/** An `{error:{...}}` stream chunk as a GatewayError whose status mirrors the upstream's code. */
export function errorFromChunk(body: unknown): GatewayError | undefined {
  const error = errorObject(body);
  if (!error) return undefined;
  const code = num(error.code) ?? 500;
  let retryAfter: number | undefined;
  if (Array.isArray(error.details)) {
    for (const d of error.details) {
      const delay = isRecord(d) && d["@type"] === RETRY_INFO ? str(d.retryDelay) : undefined;
      if (delay && /^\d+(\.\d+)?s$/.test(delay)) retryAfter = Math.ceil(Number.parseFloat(delay));
    }
  }
  const message = str(error.message) ?? str(error.status) ?? "Gemini stream error";
  return new GatewayError(kindForStatus(code), message, { status: code, code: str(error.status), retryAfter });
}
