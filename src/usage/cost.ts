// What one request's token usage costs in USD under a model's price.
import type { ModelPrice } from "./pricing-defaults.ts";

const PER_MILLION = 1_000_000;

/** Cost in USD of one request's usage under a price; canonical Usage semantics: inputTokens INCLUDES cached read and write tokens, reasoningTokens are part of outputTokens. */
export function costOf(
  price: ModelPrice,
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; reasoningTokens: number },
): number {
  const cacheRead = tokenCount(usage.cacheReadTokens);
  const cacheWrite = tokenCount(usage.cacheWriteTokens);
  const uncachedInput = Math.max(0, tokenCount(usage.inputTokens) - cacheRead - cacheWrite);
  const output = tokenCount(usage.outputTokens);
  // Reasoning is a part of output: split it off only when it has its own price, and never beyond the output total.
  const reasoning = price.reasoning === undefined ? 0 : Math.min(tokenCount(usage.reasoningTokens), output);

  const microDollars =
    uncachedInput * rate(price.input) +
    cacheRead * rate(price.cached ?? price.input) +
    cacheWrite * rate(price.cacheWrite ?? price.input) +
    (output - reasoning) * rate(price.output) +
    reasoning * rate(price.reasoning ?? price.output);
  return microDollars / PER_MILLION;
}

/** A usage count from an upstream we do not control: anything but a positive finite number counts as none. */
function tokenCount(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Same guard for prices, which users can edit: a negative or non-finite price charges nothing rather than crediting. */
function rate(usdPerMillion: number): number {
  return Number.isFinite(usdPerMillion) && usdPerMillion > 0 ? usdPerMillion : 0;
}
