// Takes credentials out of what the request log keeps (headers, JSON fields at any depth, SSE data lines) and caps its size.
// Headers: an allow-list; every other header's value is redacted. Fields: any name containing key, secret, token,
// password or auth (and credential, cookie, session, signature) is redacted, but for token counts (max_tokens, promptTokenCount).

export const REDACTED = "[redacted]";

/** Headers kept as sent: what a request log is read for (format, client, versions), none of which carries a credential. */
const KEPT_HEADERS = new Set([
  "accept",
  "accept-encoding",
  "accept-language",
  "anthropic-beta",
  "anthropic-version",
  "cache-control",
  "connection",
  "content-encoding",
  "content-length",
  "content-type",
  "host",
  "openai-beta",
  "user-agent",
  "x-goog-api-client",
  "x-request-id",
  "x-stainless-arch",
  "x-stainless-lang",
  "x-stainless-os",
  "x-stainless-package-version",
  "x-stainless-retry-count",
  "x-stainless-runtime",
  "x-stainless-runtime-version",
  "x-stainless-timeout",
]);

const SECRET_NAME = /key|secret|token|passw|auth|credential|cookie|session|signature/i;
/** Names that say "a count of tokens" (or an author), not "a token". */
const COUNT_NAME = /tokens|token_?count|token_?usage|^author$/i;

export function isSecretField(name: string): boolean {
  return SECRET_NAME.test(name) && !COUNT_NAME.test(name);
}

export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name] = KEPT_HEADERS.has(name.toLowerCase()) ? value : REDACTED;
  return out;
}

/** A copy of a JSON value whose credential-named fields (any depth, any case) read "[redacted]". */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretField(k) ? REDACTED : redactJson(v);
  return out;
}

/** Whether a JSON value has a field redactJson would hide, so text without one is kept byte for byte. */
function hasSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasSecret);
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([k, v]) => isSecretField(k) || hasSecret(v));
}

function redactJsonText(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  return hasSecret(parsed) ? JSON.stringify(redactJson(parsed)) : text;
}

/** A response body as text: a JSON document, or an SSE stream whose `data:` lines may each hold JSON. */
export function redactBodyText(text: string): string {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return redactJsonText(text);
  if (!text.includes("data:")) return text;
  return text
    .split("\n")
    .map((line) => {
      if (!line.startsWith("data:")) return line;
      const data = line.slice(5).trim();
      const redacted = redactJsonText(data);
      return redacted === data ? line : `data: ${redacted}`;
    })
    .join("\n");
}

/** Text cut to at most `maxBytes` of UTF-8, with a marker saying how long it was. */
export function capText(text: string, maxBytes: number, totalBytes = Buffer.byteLength(text)): string {
  if (totalBytes <= maxBytes && Buffer.byteLength(text) <= maxBytes) return text;
  const head = new TextDecoder().decode(Buffer.from(text).subarray(0, maxBytes)).replace(/\uFFFD$/, "");
  return `${head}\n[truncated by OmniRoute: ${totalBytes} bytes in all, ${maxBytes} kept]`;
}
