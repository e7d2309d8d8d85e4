// Anthropic stop_reason <-> canonical FinishReason.
import type { FinishReason } from "../../canonical/usage.ts";
import { assertNever } from "../../canonical/response.ts";

export function decodeStopReason(reason: unknown): FinishReason {
  switch (reason) {
    case "end_turn":
      return "stop";
    case "max_tokens":
      return "length";
    case "model_context_window_exceeded":
      return "length";
    case "stop_sequence":
      return "stop-sequence";
    case "tool_use":
      return "tool-calls";
    case "pause_turn":
      return "pause";
    case "refusal":
      return "content-filter";
    default:
      return "stop"; // null or a reason newer than this code: the turn ended
  }
}

/**
 * Canonical finish reason as Anthropic's stop_reason. A turn that produced tool calls is `tool_use`
 * even when the upstream said "stop" (some OpenAI-compatible providers do), since Anthropic clients
 * run tools on that signal. "error" has no Anthropic equivalent for a finished message: `end_turn`.
 */
export function encodeStopReason(reason: FinishReason, hasToolCalls: boolean): string {
  switch (reason) {
    case "stop":
      return hasToolCalls ? "tool_use" : "end_turn";
    case "stop-sequence":
      return "stop_sequence";
    case "length":
      return "max_tokens";
    case "tool-calls":
      return "tool_use";
    case "content-filter":
      return "refusal";
    case "pause":
      return "pause_turn";
    case "error":
      return "end_turn";
    default:
      return assertNever(reason, "finish reason");
  }
}
