// GatewayError: the one error type. Handlers throw it; the edge encodes it in the caller's format.

export type ErrorKind =
  | "invalid_request" // 400: the client's fault
  | "authentication" // 401
  | "permission" // 403
  | "not_found" // 404
  | "conflict" // 409
  | "payload_too_large" // 413
  | "unprocessable" // 422
  | "rate_limit" // 429 (also budget exhausted)
  | "upstream" // an upstream answered with an error; status mirrors it
  | "unreachable" // 502: the upstream could not be reached
  | "unavailable" // 503: nothing left to try
  | "timeout" // 504
  | "internal"; // 500

const STATUS: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limit: 429,
  upstream: 502,
  unreachable: 502,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

export interface GatewayErrorOptions {
  status?: number;
  /** The field that failed validation, for 400s. */
  param?: string;
  /** A short machine-readable code (`model_not_found`, `budget_exceeded`, ...). */
  code?: string;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly param?: string;
  readonly code?: string;
  readonly retryAfter?: number;

  constructor(kind: ErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(withoutUrlCredentials(message), { cause: options.cause });
    this.name = "GatewayError";
    this.kind = kind;
    this.status = options.status ?? STATUS[kind];
    this.param = options.param;
    this.code = options.code;
    this.retryAfter = options.retryAfter;
  }
}

/** `user:password@` in any URL of a message: left out, so no client ever reads a credential in an error. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

export function withoutUrlCredentials(message: string): string {
  return message.includes("@") ? message.replace(URL_CREDENTIALS, "$1") : message;
}

/** Any thrown value as a GatewayError (unknown errors become a 500 that hides no message). */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayError("internal", `Internal error: ${message}`, { cause: err });
}

/** The status an upstream error maps to as a kind, so formats can name it in their own words. */
export function kindForStatus(status: number): ErrorKind {
  if (status === 400) return "invalid_request";
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 413) return "payload_too_large";
  if (status === 422) return "unprocessable";
  if (status === 429) return "rate_limit";
  if (status === 503) return "unavailable";
  if (status === 504) return "timeout";
  return status >= 500 ? "upstream" : "invalid_request";
}
