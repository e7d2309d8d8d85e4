// The OpenAI Responses wire format (POST /v1/responses), as one WireFormat.
import type { WireFormat } from "../types.ts";
import { decodeErrorMessage, encodeError } from "./errors.ts";
import { decodeRequest } from "./request-decode.ts";
import { encodeRequest } from "./request-encode.ts";
import { decodeResponse, encodeResponse } from "./response.ts";
import { createResponsesStreamDecoder, decodeStream } from "./stream-decode.ts";
import { createResponsesStreamEncoder, encodeStream } from "./stream-encode.ts";

/** `https://api.openai.com/v1` (as the OpenAI SDK takes it) -> `https://api.openai.com/v1/responses`. */
export function responsesUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/responses`;
}

export const responsesFormat: WireFormat = {
  id: "responses",
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  decodeStream,
  streamDecoder: createResponsesStreamDecoder,
  encodeStream,
  streamEncoder: createResponsesStreamEncoder,
  encodeError,
  decodeErrorMessage,
  upstreamUrl: (baseUrl) => responsesUrl(baseUrl),
};
