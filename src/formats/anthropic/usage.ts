// Anthropic usage <-> canonical Usage (Anthropic's input_tokens excludes cached tokens; canonical's includes them).
import type { Usage } from "../../canonical/usage.ts";
import { isRecord } from "./wire.ts";

/**
 * The usage object as Anthropic sends it (message, message_start and message_delta share these fields).
 * input_tokens EXCLUDES cache reads and writes, canonical inputTokens INCLUDES them: decode adds
 * cache_read_input_tokens + cache_creation_input_tokens, encode subtracts them. Nothing is ever added on top.
 */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

function count(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** Raw Anthropic counters, each present only when the wire object carried it. */
export interface RawCounts {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  thinking?: number;
}

export function readCounts(u: unknown): RawCounts {
  if (!isRecord(u)) return {};
  const details = isRecord(u.output_tokens_details) ? u.output_tokens_details : undefined;
  return {
    input: count(u.input_tokens),
    output: count(u.output_tokens),
    cacheRead: count(u.cache_read_input_tokens),
    cacheWrite: count(u.cache_creation_input_tokens),
    thinking: count(details?.thinking_tokens),
  };
}

/** Later counters overwrite earlier ones (message_delta carries cumulative totals; absent means unchanged). */
export function mergeCounts(base: RawCounts, next: RawCounts): RawCounts {
  return {
    input: next.input ?? base.input,
    output: next.output ?? base.output,
    cacheRead: next.cacheRead ?? base.cacheRead,
    cacheWrite: next.cacheWrite ?? base.cacheWrite,
    thinking: next.thinking ?? base.thinking,
  };
}

export function countsToUsage(c: RawCounts): Usage {
  const cacheRead = c.cacheRead ?? 0;
  const cacheWrite = c.cacheWrite ?? 0;
  return {
    inputTokens: (c.input ?? 0) + cacheRead + cacheWrite,
    outputTokens: c.output ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: c.thinking ?? 0,
  };
}

export function decodeUsage(u: unknown): Usage {
  return countsToUsage(readCounts(u));
}

/** Canonical usage as Anthropic's input counters (input_tokens without the cached parts). */
export function encodeInputUsage(u: Partial<Usage>): {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
} {
  const cacheRead = u.cacheReadTokens ?? 0;
  const cacheWrite = u.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, (u.inputTokens ?? 0) - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/** A full Anthropic usage object (non-streamed message). */
export function encodeUsage(u: Partial<Usage>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...encodeInputUsage(u), output_tokens: u.outputTokens ?? 0 };
  if (u.reasoningTokens) out.output_tokens_details = { thinking_tokens: u.reasoningTokens };
  return out;
}
