// Takes credentials out of what the request log keeps (headers, JSON fields at any depth, SSE data lines) and caps its size.

export const REDACTED = "[redacted]";

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "x-api-key", "x-goog-api-key", "cookie"]);
const SECRET_FIELDS = new Set(["api_key", "apikey", "password", "secret", "token", "authorization", "access_token", "refresh_token"]);

export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  return out;
}

/** A copy of a JSON value whose credential-named fields (any depth, any case) read "[redacted]". */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.has(k.toLowerCase()) ? REDACTED : redactJson(v);
  return out;
}

/** Whether a JSON value has a field redactJson would hide, so text without one is kept byte for byte. */
function hasSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasSecret);
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([k, v]) => SECRET_FIELDS.has(k.toLowerCase()) || hasSecret(v));
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
