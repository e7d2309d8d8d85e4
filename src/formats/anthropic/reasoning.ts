// Anthropic `thinking` (+ output_config.effort) <-> canonical ReasoningConfig, and the max_tokens it needs.
import type { CanonicalRequest, ReasoningConfig, ReasoningEffort } from "../../canonical/request.ts";
import { invalid, isRecord, leftover, type Json } from "./wire.ts";

/**
 * Thinking budget for a canonical effort with no explicit budget. Anthropic's minimum budget is
 * 1024, so "minimal" and "low" share it; medium and high follow the extended-thinking guide's
 * "start at the minimum and increase" advice with room to grow: 8192 and 24576.
 */
export const EFFORT_BUDGET: Record<ReasoningEffort, number> = { minimal: 1024, low: 1024, medium: 8192, high: 24576 };
export const MIN_THINKING_BUDGET = 1024;
/**
 * max_tokens when the canonical request has none (Anthropic requires it; Codex and Gemini clients often
 * send none); plus the budget when thinking. 8192 is the output limit of the oldest Claude models still
 * served (3.5), so it is never refused, and leaves room for a large patch in a tool call.
 */
export const DEFAULT_MAX_TOKENS = 8192;

const EFFORTS: readonly string[] = ["minimal", "low", "medium", "high"];

export function isEffort(v: unknown): v is ReasoningEffort {
  return typeof v === "string" && EFFORTS.includes(v);
}

export interface DecodedThinking {
  reasoning?: ReasoningConfig;
  /** The original object when canonical cannot say it exactly (adaptive, display, a newer type). */
  keep?: Json;
}

export function decodeThinking(thinking: unknown): DecodedThinking {
  if (thinking === undefined || thinking === null) return {};
  if (!isRecord(thinking) || typeof thinking.type !== "string") throw invalid("thinking must be an object with a type", "thinking");
  switch (thinking.type) {
    case "disabled":
      return { reasoning: { enabled: false } };
    case "enabled": {
      if (typeof thinking.budget_tokens !== "number")
        throw invalid('thinking.budget_tokens is required when thinking.type is "enabled"', "thinking.budget_tokens");
      const keep = leftover(thinking, ["type", "budget_tokens"]) ? thinking : undefined;
      return { reasoning: { enabled: true, budgetTokens: thinking.budget_tokens }, keep };
    }
    default:
      // "adaptive" (the model decides how much to think) and anything newer: on, with no budget.
      return { reasoning: { enabled: true }, keep: thinking };
  }
}

export interface EncodedThinking {
  thinking?: Json;
  maxTokens: number;
  dropped: string[];
}

/**
 * `kept` is the client's own Anthropic thinking object (same-format extra), used as it is.
 * `effortIsAnthropic`: the effort came from Anthropic's output_config.effort, which does not by
 * itself turn thinking on, so it must not become a budget here.
 */
export function encodeThinking(req: CanonicalRequest, kept: Json | undefined, effortIsAnthropic: boolean): EncodedThinking {
  const r = req.reasoning;
  const dropped: string[] = [];
  if (kept) return { thinking: kept, maxTokens: req.maxTokens ?? DEFAULT_MAX_TOKENS, dropped };
  if (!r || r.enabled === false || r.budgetTokens === 0) {
    return {
      thinking: r && (r.enabled === false || r.budgetTokens === 0) ? { type: "disabled" } : undefined,
      maxTokens: req.maxTokens ?? DEFAULT_MAX_TOKENS,
      dropped,
    };
  }
  const wantsThinking = r.enabled === true || r.budgetTokens !== undefined || (r.effort !== undefined && !effortIsAnthropic);
  if (!wantsThinking) return { maxTokens: req.maxTokens ?? DEFAULT_MAX_TOKENS, dropped };

  let budget = Math.max(MIN_THINKING_BUDGET, r.budgetTokens ?? EFFORT_BUDGET[r.effort ?? "medium"]);
  const maxTokens = req.maxTokens ?? budget + DEFAULT_MAX_TOKENS;
  // Anthropic requires budget_tokens < max_tokens; a client's max_tokens is never replaced, the budget yields.
  if (budget >= maxTokens) budget = maxTokens - 1;
  if (budget < MIN_THINKING_BUDGET) {
    dropped.push("reasoning");
    return { maxTokens, dropped };
  }
  return { thinking: { type: "enabled", budget_tokens: budget }, maxTokens, dropped };
}
