// Chat Completions `usage` <-> canonical Usage (prompt_tokens already includes cached tokens).
import type { Usage } from "../../canonical/usage.ts";
import { isRecord } from "./wire.ts";

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  completion_tokens_details: { reasoning_tokens: number };
}

function count(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/**
 * A wire `usage` object as canonical usage, or undefined when there is none. Cached tokens come from
 * `prompt_tokens_details.cached_tokens`, or DeepSeek's `prompt_cache_hit_tokens` when the details are
 * absent; both are part of `prompt_tokens`, as canonical `inputTokens` wants.
 */
export function decodeUsage(u: unknown): Partial<Usage> | undefined {
  if (!isRecord(u)) return undefined;
  const prompt = isRecord(u.prompt_tokens_details) ? u.prompt_tokens_details : undefined;
  const completion = isRecord(u.completion_tokens_details) ? u.completion_tokens_details : undefined;
  return {
    inputTokens: count(u.prompt_tokens) ?? 0,
    outputTokens: count(u.completion_tokens) ?? 0,
    cacheReadTokens: count(prompt?.cached_tokens) ?? count(u.prompt_cache_hit_tokens) ?? 0,
    cacheWriteTokens: count(prompt?.cache_write_tokens) ?? 0,
    reasoningTokens: count(completion?.reasoning_tokens) ?? 0,
  };
}

/** Canonical usage as the wire `usage` object, details included (cache_write_tokens only when non-zero). */
export function encodeUsage(usage: Partial<Usage> | undefined): ChatUsage {
  const input = usage?.inputTokens ?? 0;
  const output = usage?.outputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: usage?.cacheReadTokens ?? 0, ...(cacheWrite > 0 ? { cache_write_tokens: cacheWrite } : {}) },
    completion_tokens_details: { reasoning_tokens: usage?.reasoningTokens ?? 0 },
  };
}
