// Chat Completions finish_reason <-> canonical FinishReason.
import type { FinishReason } from "../../canonical/usage.ts";
import { assertNever } from "../../canonical/response.ts";

export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export function decodeFinishReason(reason: unknown): FinishReason {
  switch (reason) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
      return "tool-calls";
    case "function_call":
      return "tool-calls";
    case "content_filter":
      return "content-filter";
    // Some compatible providers name the token limit differently.
    case "max_tokens":
      return "length";
    case "model_context_window_exceeded":
      return "length";
    default:
      return "stop";
  }
}

/**
 * Canonical finish reason as finish_reason. A turn that produced tool calls is `tool_calls` even when
 * the upstream said "stop" (Gemini does), since Chat clients run tools on that signal. Chat has no
 * word for a matched stop sequence (OpenAI says "stop"), a paused turn or an error: "stop".
 */
export function encodeFinishReason(reason: FinishReason, hasToolCalls: boolean): ChatFinishReason {
  switch (reason) {
    case "stop":
      return hasToolCalls ? "tool_calls" : "stop";
    case "stop-sequence":
      return "stop";
    case "length":
      return "length";
    case "tool-calls":
      return "tool_calls";
    case "content-filter":
      return "content_filter";
    case "pause":
      return "stop";
    case "error":
      return "stop";
    default:
      return assertNever(reason, "finish reason");
  }
}
