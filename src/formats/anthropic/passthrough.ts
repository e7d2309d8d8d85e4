// The Anthropic fast path: the body passes with the upstream model id; usage is read from message_start/message_delta.
import type { Usage } from "../../canonical/usage.ts";
import type { Passthrough } from "../types.ts";
import { encodeError } from "./errors.ts";
import { decodeStopReason } from "./stop-reason.ts";
import { decodeUsage, readCounts } from "./usage.ts";
import { isRecord } from "./wire.ts";
import { sseFrame } from "../../canonical/sse.ts";
import { isCallSignatureCarrier } from "../../canonical/tool-call-signature.ts";

/** Only the counters a frame carries, so later frames refine earlier ones instead of zeroing them. */
function frameCounts(u: unknown): Partial<Usage> | undefined {
  const c = readCounts(u);
  const out: Partial<Usage> = {};
  if (c.input !== undefined) out.inputTokens = c.input + (c.cacheRead ?? 0) + (c.cacheWrite ?? 0);
  if (c.output !== undefined) out.outputTokens = c.output;
  if (c.cacheRead !== undefined) out.cacheReadTokens = c.cacheRead;
  if (c.cacheWrite !== undefined) out.cacheWriteTokens = c.cacheWrite;
  if (c.thinking !== undefined) out.reasoningTokens = c.thinking;
  return Object.keys(out).length ? out : undefined;
}

function isCarrierBlock(block: unknown): boolean {
  return isRecord(block) && block.type === "thinking" && isCallSignatureCarrier(block.signature);
}

/**
 * History from a Gemini model holds thinking blocks that only carried its tool calls' signatures to the client
 * (canonical/tool-call-signature.ts): Anthropic would refuse their signature, and they say nothing, so they are
 * left out. `{}` (nothing to change, no copy) unless one is there.
 */
function withoutCarriers(messages: unknown): { messages?: unknown[] } {
  if (!Array.isArray(messages)) return {};
  const has = messages.some((m) => isRecord(m) && m.role === "assistant" && Array.isArray(m.content) && m.content.some(isCarrierBlock));
  if (!has) return {};
  return {
    messages: messages.map((m) =>
      isRecord(m) && m.role === "assistant" && Array.isArray(m.content)
        ? { ...m, content: m.content.filter((b) => !isCarrierBlock(b)) }
        : m,
    ),
  };
}

export const anthropicPassthrough: Passthrough = {
  temperature: (body) => (typeof body.temperature === "number" ? body.temperature : undefined),
  // An event type the SDK does not know: MessageStream passes over it.
  progressFrame: (p) => sseFrame(JSON.stringify({ type: "progress", tokens: p.tokens, elapsed_ms: p.elapsedMs }), "progress"),
  forwardBody: (body, model) => ({ body: { ...body, model, ...withoutCarriers(body.messages) }, addedUsageFrame: false }),
  frameUsage(data) {
    if (!isRecord(data)) return undefined;
    if (data.type === "message_start" && isRecord(data.message)) return frameCounts(data.message.usage);
    if (data.type === "message_delta") return frameCounts(data.usage);
    return undefined;
  },
  isUsageOnlyFrame: () => false,
  // message_start's and message_delta's usage; message_delta's stop_reason (not message_start's null).
  streamMarkers: ['"usage":{', '"usage": {', '"stop_reason":"', '"stop_reason": "'],
  isErrorFrame: (data, event) => event === "error" || (isRecord(data) && data.type === "error"),
  streamErrorFrames: (err) => sseFrame(JSON.stringify(encodeError(err)), "error"),
  responseUsage: (body) => (isRecord(body) ? decodeUsage(body.usage) : undefined),
  // message_delta carries it in a stream (parsed for its usage anyway), stop_reason in a whole answer.
  frameFinish: (data) =>
    isRecord(data) && data.type === "message_delta" && isRecord(data.delta) && typeof data.delta.stop_reason === "string"
      ? decodeStopReason(data.delta.stop_reason)
      : undefined,
  responseFinish: (body) => (isRecord(body) && typeof body.stop_reason === "string" ? decodeStopReason(body.stop_reason) : undefined),
};
