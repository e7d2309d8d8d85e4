// Classifies an upstream failure: whether another account or model may succeed, and what to penalize.

export type FailureKind =
  | "rate_limit" // 429: this account (and model) is over its rate limit for now
  | "quota" // 402 or an exhausted quota: this account is out until its window resets
  | "auth" // 401/403: the credential is bad or expired
  | "server" // 5xx: the provider is having trouble
  | "timeout" // no answer in time
  | "connection" // could not connect at all
  | "context" // 400/413 another model may accept (context too long)
  | "client"; // the client's own fault: answered at once, no fallback, no penalty

export interface Failure {
  kind: FailureKind;
  status: number;
  message: string;
  /** When the provider said it may be retried (from Retry-After or rate-limit reset headers), epoch ms. */
  retryAt?: number;
}

const QUOTA_PATTERN =
  /insufficient[_ ]quota|quota (?:exceeded|exhausted)|exceeded your (?:current )?quota|billing|credit balance|usage limit|out of credits/i;
const CONTEXT_PATTERN =
  /context[_ ](?:length|window)|maximum context|too many tokens|prompt is too long|input is too long|reduce the length|max_tokens.*exceed|token limit/i;

/** Whether a failure of this kind lets the request move on to another account or model. */
export function canFallBack(kind: FailureKind): boolean {
  return kind !== "client";
}

export function classifyHttpFailure(status: number, headers: Headers, message: string, now = Date.now()): Failure {
  const retryAt = retryHint(headers, now);
  const failure = (kind: FailureKind): Failure => ({ kind, status, message, ...(retryAt ? { retryAt } : {}) });
  if (status === 402) return failure("quota");
  if (status === 429) return failure(QUOTA_PATTERN.test(message) ? "quota" : "rate_limit");
  if (status === 401 || status === 403) return failure("auth");
  if (status === 408 || status === 504) return failure("timeout");
  if (status === 413) return failure("context");
  if (status >= 500) return failure("server");
  if (status === 400 && CONTEXT_PATTERN.test(message)) return failure("context");
  if (status === 404 || status === 400 || status === 422) return failure("client");
  return failure(status >= 400 && status < 500 ? "client" : "server");
}

/**
 * The earliest moment the provider says a retry may succeed: `Retry-After` (seconds or a date),
 * `retry-after-ms`, OpenAI-style `x-ratelimit-reset-requests|tokens` (`1s`, `6m0s`, `20ms`), and
 * Anthropic's `anthropic-ratelimit-*-reset` (RFC 3339). Retry-After wins when present; otherwise the
 * latest reset among the limits wins (we cannot tell which one was hit).
 */
export function retryHint(headers: Headers, now = Date.now()): number | undefined {
  const candidates: number[] = [];
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) candidates.push(now + Number(ms));
  const after = headers.get("retry-after");
  if (after) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) candidates.push(now + seconds * 1000);
    else if (!Number.isNaN(Date.parse(after))) candidates.push(Date.parse(after));
  }
  // The provider's explicit instruction wins over the reset times of individual limits.
  const explicit = candidates.filter((t) => t > now);
  if (explicit.length) return Math.max(...explicit);
  for (const name of ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens", "x-ratelimit-reset"]) {
    const value = headers.get(name);
    const parsed = value ? parseDuration(value) : undefined;
    if (parsed !== undefined) candidates.push(now + parsed);
  }
  for (const name of [
    "anthropic-ratelimit-requests-reset",
    "anthropic-ratelimit-tokens-reset",
    "anthropic-ratelimit-input-tokens-reset",
    "anthropic-ratelimit-output-tokens-reset",
  ]) {
    const value = headers.get(name);
    if (value && !Number.isNaN(Date.parse(value))) candidates.push(Date.parse(value));
  }
  const future = candidates.filter((t) => t > now);
  return future.length ? Math.max(...future) : undefined;
}

/** `1s`, `6m0s`, `1h2m3.5s`, `20ms`, or plain seconds, as milliseconds. */
export function parseDuration(value: string): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = "";
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3_600_000 : m[2] === "m" ? n * 60_000 : m[2] === "s" ? n * 1000 : n;
    matched += m[0];
  }
  return matched === trimmed && matched ? total : undefined;
}
