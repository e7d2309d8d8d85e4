// POSTs to an OAuth token endpoint (JSON or form body) and reads the JSON answer; a refusal keeps its status and error code.
import type { FlowContext } from "./types.ts";

const TOKEN_TIMEOUT_MS = 30_000;

/** The token endpoint answered with an error (4xx/5xx); `code` is the OAuth `error` (e.g. `invalid_grant`) when it names one. */
export class TokenEndpointError extends Error {
  override name = "TokenEndpointError";
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

/** The OAuth error code of a token endpoint's error body: `{"error":"invalid_grant"}`, `{"error":{"code":..}}` or `{"code":..}`. */
export function oauthErrorCode(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  if (typeof body.error === "string") return body.error;
  if (isRecord(body.error)) return str(body.error.code) ?? str(body.error.type);
  return str(body.code);
}

function errorMessage(body: unknown, text: string): string {
  if (isRecord(body)) {
    const description = str(body.error_description) ?? (isRecord(body.error) ? str(body.error.message) : undefined) ?? str(body.message);
    const code = oauthErrorCode(body);
    if (description || code) return [code, description].filter(Boolean).join(": ");
  }
  return text.slice(0, 300) || "no details";
}

/** POST `fields` as JSON or `application/x-www-form-urlencoded`; the JSON answer, or a TokenEndpointError. */
export async function postToken(
  ctx: FlowContext,
  url: string,
  fields: Record<string, string>,
  as: "json" | "form",
  headers: Record<string, string> = {},
): Promise<Json> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      accept: "application/json",
      "content-type": as === "json" ? "application/json" : "application/x-www-form-urlencoded",
      ...headers,
    },
    body: as === "json" ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
    signal: ctx.signal ? AbortSignal.any([ctx.signal, AbortSignal.timeout(TOKEN_TIMEOUT_MS)]) : AbortSignal.timeout(TOKEN_TIMEOUT_MS),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok)
    throw new TokenEndpointError(res.status, oauthErrorCode(body), `token endpoint answered ${res.status}: ${errorMessage(body, text)}`);
  if (!isRecord(body)) throw new TokenEndpointError(res.status, undefined, "token endpoint answered with something that is not JSON");
  return body;
}

/** Epoch ms when a token that lives `expiresIn` seconds from now expires. */
export function expiryOf(expiresIn: unknown, now = Date.now()): number | undefined {
  return typeof expiresIn === "number" && expiresIn > 0 ? now + expiresIn * 1000 : undefined;
}
