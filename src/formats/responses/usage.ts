// Responses `usage` <-> canonical Usage (input_tokens already includes cached tokens, as canonical does).
import type { Usage } from "../../canonical/usage.ts";
import { isRecord, num, type WireUsage } from "./wire.ts";

export function decodeUsage(u: unknown): Partial<Usage> | undefined {
  if (!isRecord(u)) return undefined;
  const input = isRecord(u.input_tokens_details) ? u.input_tokens_details : {};
  const output = isRecord(u.output_tokens_details) ? u.output_tokens_details : {};
  return {
    inputTokens: num(u.input_tokens) ?? 0,
    outputTokens: num(u.output_tokens) ?? 0,
    cacheReadTokens: num(input.cached_tokens) ?? 0,
    cacheWriteTokens: num(input.cache_write_tokens) ?? 0,
    reasoningTokens: num(output.reasoning_tokens) ?? 0,
  };
}

export function encodeUsage(u: Partial<Usage>): WireUsage {
  const input = u.inputTokens ?? 0;
  const output = u.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cacheReadTokens ?? 0, cache_write_tokens: u.cacheWriteTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
    total_tokens: input + output,
  };
}
