// The Anthropic Messages wire format (format id "anthropic"): requests, responses, streams and errors.
import type { WireFormat } from "../types.ts";
import { decodeErrorMessage, encodeError } from "./errors.ts";
import { decodeRequest } from "./request-decode.ts";
import { encodeRequest } from "./request-encode.ts";
import { decodeResponse, encodeResponse } from "./response.ts";
import { createAnthropicStreamDecoder, decodeStream } from "./stream-decode.ts";
import { createAnthropicStreamEncoder, encodeStream } from "./stream-encode.ts";

/** "https://api.anthropic.com", ".../v1" or with a trailing slash -> ".../v1/messages" (as the official SDK builds it). */
export function anthropicMessagesUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return base.endsWith("/v1") ? `${base}/messages` : `${base}/v1/messages`;
}

export const anthropicFormat: WireFormat = {
  id: "anthropic",
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  decodeStream,
  streamDecoder: createAnthropicStreamDecoder,
  encodeStream,
  streamEncoder: createAnthropicStreamEncoder,
  encodeError,
  decodeErrorMessage,
  upstreamUrl: (baseUrl) => anthropicMessagesUrl(baseUrl),
};
