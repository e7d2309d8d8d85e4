// Reads a request's JSON body once, bounded: its size (413), its syntax (400) and how deeply it nests (400).
// Shared by the client routes and the management API; the parsed value is the one every later step uses.
import { GatewayError } from "../../canonical/errors.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../formats/json-depth.ts";

/** `application/json`, with any parameters (`; charset=utf-8`), in any letter case. */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const semicolon = contentType.indexOf(";");
  const media = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return media === "application/json";
}

export function tooLarge(maxBytes: number): GatewayError {
  const limit = maxBytes >= 1024 * 1024 ? `${+(maxBytes / 1024 / 1024).toFixed(2)} MB` : `${maxBytes} bytes`;
  return new GatewayError("payload_too_large", `The request body is larger than the gateway's limit of ${limit} (MAX_REQUEST_BODY_MB).`, {
    code: "request_too_large",
  });
}

/**
 * The body as text, never more than `maxBytes` of it held: a larger Content-Length is refused before a byte
 * is read; a chunked body is counted as it arrives and refused as soon as it passes the limit.
 */
async function bodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
    return request.text();
  }
  const reader = request.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    size += part.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(part.value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

export interface JsonBodyOptions {
  maxBytes: number;
  /** Refuse (415) a non-empty body whose Content-Type is not JSON; checked before the body is parsed. */
  requireJsonType?: boolean;
}

/** The parsed body, or `undefined` for an empty one (the caller decides whether that is allowed). */
export async function readJsonBody(request: Request, options: JsonBodyOptions): Promise<unknown> {
  let text: string;
  try {
    text = await bodyText(request, options.maxBytes);
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new GatewayError(
      "invalid_request",
      "The request body could not be read (the connection was closed or timed out while it was being sent).",
      { code: "body_not_read" },
    );
  }
  if (text.length === 0) return undefined;
  if (options.requireJsonType && !isJsonContentType(request.headers.get("content-type")))
    throw unsupportedMediaType(request.headers.get("content-type"));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new GatewayError("invalid_request", `The request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}.`, {
      code: "invalid_json",
    });
  }
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new GatewayError("invalid_request", `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`, {
      code: "json_too_deep",
    });
  }
  return value;
}

/** 415: the body is not declared as JSON. */
export function unsupportedMediaType(sent: string | null | undefined): GatewayError {
  const got = sent ? ` (got "${sent.slice(0, 100)}")` : " (none was sent)";
  return new GatewayError("invalid_request", `Send the request body as JSON with \`Content-Type: application/json\`${got}.`, {
    status: 415,
    code: "unsupported_media_type",
  });
}
