// Token usage in one shape for every format, and the finish reasons a response can end with.

/**
 * `inputTokens` counts every prompt token, cached or not (OpenAI's `prompt_tokens` meaning);
 * `cacheReadTokens` and `cacheWriteTokens` are the parts of it read from / written to a prompt cache.
 * `reasoningTokens` is the part of `outputTokens` spent thinking.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
}

export type FinishReason =
  | "stop" // natural end of the turn
  | "stop-sequence" // a client stop sequence matched
  | "length" // max tokens reached
  | "tool-calls" // the model wants tool results
  | "content-filter" // refused or filtered
  | "pause" // Anthropic pause_turn: the client should continue
  | "error";
