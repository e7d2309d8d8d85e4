// Gemini usageMetadata <-> canonical Usage.
//
// promptTokenCount already includes cachedContentTokenCount, as canonical inputTokens does.
// toolUsePromptTokenCount (results of built-in tools fed back as input) counts as input too, and
// thoughtsTokenCount is part of the output, so inputTokens + outputTokens equals totalTokenCount.
import type { Usage } from "../../canonical/usage.ts";
import { isRecord, num, type GeminiUsageMetadata } from "./wire.ts";

export function decodeUsage(raw: unknown): Partial<Usage> | undefined {
  if (!isRecord(raw)) return undefined;
  const thoughts = num(raw.thoughtsTokenCount) ?? 0;
  return {
    inputTokens: (num(raw.promptTokenCount) ?? 0) + (num(raw.toolUsePromptTokenCount) ?? 0),
    outputTokens: (num(raw.candidatesTokenCount) ?? 0) + thoughts,
    cacheReadTokens: num(raw.cachedContentTokenCount) ?? 0,
    reasoningTokens: thoughts,
  };
}

export function encodeUsage(u: Partial<Usage>): GeminiUsageMetadata {
  const input = u.inputTokens ?? 0;
  const output = u.outputTokens ?? 0;
  const thoughts = Math.min(u.reasoningTokens ?? 0, output);
  const out: GeminiUsageMetadata = { promptTokenCount: input, candidatesTokenCount: output - thoughts, totalTokenCount: input + output };
  if (u.cacheReadTokens) out.cachedContentTokenCount = u.cacheReadTokens;
  if (thoughts) out.thoughtsTokenCount = thoughts;
  return out;
}
