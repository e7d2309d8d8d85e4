// What a model costs: USD per 1M tokens of each kind, and how a provider bills. Built-in catalog entries carry both.

export interface ModelPrice {
  /** USD per 1M input (prompt) tokens that were NOT read from cache. */
  input: number;
  /** USD per 1M output tokens (reasoning tokens are billed as output unless `reasoning` is set). */
  output: number;
  /** USD per 1M cached input tokens read (prompt cache hit); absent = same as input. */
  cached?: number;
  /** USD per 1M cache-write input tokens (Anthropic cache creation); absent = same as input. */
  cacheWrite?: number;
  /** USD per 1M reasoning tokens when billed differently from output; absent = billed as output. */
  reasoning?: number;
}

/** "metered": pay per token; "flat-rate": a subscription (cost shown as $0 marginal, flagged); "free": $0. */
export type Billing = "metered" | "flat-rate" | "free";

/** The price of a model whose tokens cost nothing at the margin (subscription, free tier, or priced per unit elsewhere). */
export const ZERO_PRICE: ModelPrice = Object.freeze({ input: 0, output: 0 });
