// The four wire formats by id, each with its fast-path touches.
import type { FormatId, Passthrough, WireFormat } from "./types.ts";
import { openaiChatFormat } from "./openai-chat/index.ts";
import { openaiChatPassthrough } from "./openai-chat/passthrough.ts";
import { anthropicFormat } from "./anthropic/index.ts";
import { anthropicPassthrough } from "./anthropic/passthrough.ts";
import { responsesFormat } from "./responses/index.ts";
import { responsesPassthrough } from "./responses/passthrough.ts";
import { geminiFormat } from "./gemini/index.ts";
import { geminiPassthrough } from "./gemini/passthrough.ts";

export interface GatewayFormat extends WireFormat {
  readonly passthrough: Passthrough;
}

const formats = new Map<FormatId, GatewayFormat>([
  ["openai-chat", { ...openaiChatFormat, passthrough: openaiChatPassthrough }],
  ["anthropic", { ...anthropicFormat, passthrough: anthropicPassthrough }],
  ["responses", { ...responsesFormat, passthrough: responsesPassthrough }],
  ["gemini", { ...geminiFormat, passthrough: geminiPassthrough }],
]);

export function getFormat(id: FormatId): GatewayFormat {
  const format = formats.get(id);
  if (!format) throw new Error(`Wire format ${id} is not available`);
  return format;
}

export function hasFormat(id: FormatId): boolean {
  return formats.has(id);
}
