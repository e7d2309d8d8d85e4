// The Google Gemini (generativelanguage v1beta) wire format: generateContent and streamGenerateContent.
import type { WireFormat } from "../types.ts";
import { decodeGeminiErrorMessage, encodeGeminiError } from "./errors.ts";
import { decodeGeminiRequest } from "./request-decode.ts";
import { encodeGeminiRequest } from "./request-encode.ts";
import { decodeGeminiResponse, encodeGeminiResponse } from "./response.ts";
import { createGeminiStreamDecoder, decodeGeminiStream } from "./stream-decode.ts";
import { createGeminiStreamEncoder, encodeGeminiStream } from "./stream-encode.ts";
import { geminiUpstreamUrl } from "./url.ts";

export const geminiFormat: WireFormat = {
  id: "gemini",
  decodeRequest: decodeGeminiRequest,
  encodeRequest: encodeGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  encodeResponse: encodeGeminiResponse,
  decodeStream: decodeGeminiStream,
  streamDecoder: createGeminiStreamDecoder,
  encodeStream: encodeGeminiStream,
  streamEncoder: createGeminiStreamEncoder,
  encodeError: encodeGeminiError,
  decodeErrorMessage: decodeGeminiErrorMessage,
  upstreamUrl: geminiUpstreamUrl,
};
