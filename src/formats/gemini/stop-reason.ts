// Gemini finishReason / promptFeedback.blockReason <-> canonical FinishReason.
import type { FinishReason } from "../../canonical/usage.ts";
import { assertNever } from "../../canonical/response.ts";

const FILTERED = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "LANGUAGE",
  "ESCALATION",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

/**
 * STOP is a natural end or a matched stop sequence (Gemini does not say which); with function calls
 * in the answer it means the model wants tool results. Safety-like reasons are content-filter;
 * malformed calls, missing signatures, OTHER and reasons we do not know are errors.
 */
export function decodeFinishReason(reason: string, hasToolCalls: boolean): FinishReason {
  if (reason === "STOP" || reason === "FINISH_REASON_UNSPECIFIED") return hasToolCalls ? "tool-calls" : "stop";
  if (reason === "MAX_TOKENS") return "length";
  if (FILTERED.has(reason)) return "content-filter";
  return "error";
}

export function encodeFinishReason(reason: FinishReason): string {
  switch (reason) {
    case "stop":
    case "stop-sequence":
    case "tool-calls":
    case "pause":
      return "STOP";
    case "length":
      return "MAX_TOKENS";
    case "content-filter":
      return "SAFETY";
    case "error":
      return "OTHER";
    default:
      return assertNever(reason, "finish reason");
  }
}
