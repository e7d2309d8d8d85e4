// The OpenAI Chat fast path: ask for a usage chunk on streams, read usage from frames and bodies.
import type { GatewayError } from "../../canonical/errors.ts";
import type { Usage } from "../../canonical/usage.ts";
import type { Passthrough } from "../types.ts";
import { encodeError } from "./errors.ts";
import { decodeFinishReason } from "./stop-reason.ts";
import { decodeUsage } from "./usage.ts";
import { isRecord } from "./wire.ts";
import { idCarriesSignature, splitToolCallId } from "../../canonical/tool-call-signature.ts";

/** A wire `usage` object as canonical usage (kept as a name for callers of the fast path). */
export function chatUsage(u: unknown): Partial<Usage> | undefined {
  return decodeUsage(u);
}

function signedCall(tc: unknown): boolean {
  return isRecord(tc) && idCarriesSignature(tc.id);
}

function hasSignedIds(m: unknown): boolean {
  return isRecord(m) && ((Array.isArray(m.tool_calls) && m.tool_calls.some(signedCall)) || idCarriesSignature(m.tool_call_id));
}

/**
 * Tool call ids a Gemini model's calls reached the client with carry their thought signature
 * (canonical/tool-call-signature.ts); another OpenAI-compatible upstream gets the original ids (OpenAI
 * caps their length). `{}` (no copy) unless one is there.
 */
function withOriginalCallIds(messages: unknown): { messages?: unknown[] } {
  if (!Array.isArray(messages) || !messages.some(hasSignedIds)) return {};
  return {
    messages: messages.map((m) => {
      if (!hasSignedIds(m) || !isRecord(m)) return m;
      const out: Record<string, unknown> = { ...m };
      if (Array.isArray(m.tool_calls))
        out.tool_calls = m.tool_calls.map((tc) => (signedCall(tc) && isRecord(tc) ? { ...tc, id: splitToolCallId(String(tc.id)).id } : tc));
      if (idCarriesSignature(m.tool_call_id)) out.tool_call_id = splitToolCallId(m.tool_call_id).id;
      return out;
    }),
  };
}

export const openaiChatPassthrough: Passthrough = {
  temperature: (body) => (typeof body.temperature === "number" ? body.temperature : undefined),
  // A chunk with no choices, like the usage chunk: the SDK yields it and its stream helper passes over it.
  progressFrame: (p) =>
    `event: progress\ndata: ${JSON.stringify({ id: "omniroute-progress", object: "chat.completion.chunk", created: 0, model: "", choices: [], omniroute_progress: { tokens: p.tokens, elapsed_ms: p.elapsedMs } })}\n\n`,
  forwardBody(body, model, stream) {
    const options = isRecord(body.stream_options) ? body.stream_options : undefined;
    const ids = withOriginalCallIds(body.messages);
    if (!stream || options?.include_usage === true) return { body: { ...body, model, ...ids }, addedUsageFrame: false };
    return { body: { ...body, model, ...ids, stream_options: { ...options, include_usage: true } }, addedUsageFrame: true };
  },
  frameUsage(data) {
    return isRecord(data) ? chatUsage(data.usage) : undefined;
  },
  isUsageOnlyFrame(data) {
    return isRecord(data) && Array.isArray(data.choices) && data.choices.length === 0 && isRecord(data.usage);
  },
  // A usage object (not `"usage":null`), a finish_reason (not null), the closing [DONE].
  streamMarkers: ['"usage":{', '"usage": {', '"finish_reason":"', '"finish_reason": "', "[DONE]"],
  isErrorFrame(data) {
    return isRecord(data) && data.error !== undefined && data.error !== null;
  },
  streamErrorFrames(err: GatewayError) {
    // The same body as a non-streamed error: the OpenAI SDK throws an APIError on a chunk with `error`.
    return `data: ${JSON.stringify(encodeError(err))}\n\n`;
  },
  frameFinish: (data) => firstChoiceFinish(data),
  responseFinish: (body) => firstChoiceFinish(body),
  responseUsage(body) {
    return isRecord(body) ? chatUsage(body.usage) : undefined;
  },
};

/** The first choice's finish_reason, in a stream chunk or a whole answer (null until the last chunk). */
function firstChoiceFinish(data: unknown) {
  if (!isRecord(data) || !Array.isArray(data.choices)) return undefined;
  const reason = (data.choices[0] as { finish_reason?: unknown } | undefined)?.finish_reason;
  return typeof reason === "string" ? decodeFinishReason(reason) : undefined;
}
