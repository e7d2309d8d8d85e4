// The OpenAI Chat Completions wire format (format id "openai-chat"), assembled from its mappings.
import type { WireFormat } from "../types.ts";
import { decodeErrorMessage, encodeError } from "./errors.ts";
import { decodeRequest } from "./request-decode.ts";
import { encodeRequest } from "./request-encode.ts";
import { decodeResponse, encodeResponse } from "./response.ts";
import { createChatStreamDecoder, decodeStream } from "./stream-decode.ts";
import { createChatStreamEncoder, encodeStream } from "./stream-encode.ts";

/** `baseUrl` as the OpenAI SDK takes it ("https://api.openai.com/v1"); a full endpoint URL is kept as it is. */
export function chatCompletionsUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return base.endsWith("/chat/completions") ? base : `${base}/chat/completions`;
}

export const openaiChatFormat: WireFormat = {
  id: "openai-chat",
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  decodeStream,
  streamDecoder: createChatStreamDecoder,
  encodeStream,
  streamEncoder: createChatStreamEncoder,
  encodeError,
  decodeErrorMessage,
  upstreamUrl: (baseUrl) => chatCompletionsUrl(baseUrl),
};
