// The four wire formats by id, each with its fast-path touches and the edge check of its requests.
import type { FormatId, Passthrough, WireFormat } from "./types.ts";
import { openaiChatFormat } from "./openai-chat/index.ts";
import { openaiChatPassthrough } from "./openai-chat/passthrough.ts";
import { anthropicFormat } from "./anthropic/index.ts";
import { anthropicPassthrough } from "./anthropic/passthrough.ts";
import { responsesFormat } from "./responses/index.ts";
import { responsesPassthrough } from "./responses/passthrough.ts";
import { geminiFormat } from "./gemini/index.ts";
import { geminiPassthrough } from "./gemini/passthrough.ts";
import { validateChatRequest } from "./openai-chat/validate.ts";
import { validateMessagesRequest } from "./anthropic/validate.ts";
import { validateResponsesRequest } from "./responses/validate.ts";
import { validateGenerateContentRequest } from "./gemini/validate.ts";

export interface GatewayFormat extends WireFormat {
  readonly passthrough: Passthrough;
  /** The shape of a client's request as the format's API documents it; throws a 400 naming the field. */
  readonly validateRequest: (body: Record<string, unknown>) => void;
}

const formats = new Map<FormatId, GatewayFormat>([
  ["openai-chat", { ...openaiChatFormat, passthrough: openaiChatPassthrough, validateRequest: validateChatRequest }],
  ["anthropic", { ...anthropicFormat, passthrough: anthropicPassthrough, validateRequest: validateMessagesRequest }],
  ["responses", { ...responsesFormat, passthrough: responsesPassthrough, validateRequest: validateResponsesRequest }],
  ["gemini", { ...geminiFormat, passthrough: geminiPassthrough, validateRequest: (body) => validateGenerateContentRequest(body) }],
]);

export function getFormat(id: FormatId): GatewayFormat {
  const format = formats.get(id);
  if (!format) throw new Error(`Wire format ${id} is not available`);
  return format;
}

export function hasFormat(id: FormatId): boolean {
  return formats.has(id);
}
