// A request's likely cost before it is sent, reserved against a budget (only computed for keys that have one).
import type { Target } from "../routing/resolve.ts";
import type { Pricing } from "./pricing.ts";
import { costOf } from "./cost.ts";

/** Output assumed when the client set no limit: a typical coding-agent turn. */
const DEFAULT_OUTPUT_TOKENS = 1024;
const MAX_ASSUMED_OUTPUT = 8192;

export function estimateCost(deps: { pricing: Pricing }, target: Target | undefined, body: Record<string, unknown>): number {
  if (!target) return 0;
  const price = deps.pricing.priceOf(target.provider.id, target.model);
  if (!price) return 0;
  // About four bytes of JSON per token: generous for prose, which keeps the reservation on the safe side.
  const inputTokens = Math.ceil(JSON.stringify(body).length / 4);
  const limit = [body.max_tokens, body.max_completion_tokens, body.max_output_tokens].find((v): v is number => typeof v === "number");
  const outputTokens = Math.min(limit ?? DEFAULT_OUTPUT_TOKENS, MAX_ASSUMED_OUTPUT);
  return costOf(price, { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
}
