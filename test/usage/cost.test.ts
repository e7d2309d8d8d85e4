// Checks costOf against hand-computed bills under canonical Usage semantics (cached tokens inside inputTokens).
import { describe, expect, test } from "bun:test";
import type { Usage } from "../../src/canonical/usage.ts";
import { costOf } from "../../src/usage/cost.ts";
import { DEFAULT_PRICING } from "../../src/usage/pricing-defaults.ts";

function usage(partial: Partial<Usage>): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...partial };
}

/** The bill in whole cents, as an invoice shows it. */
function cents(usd: number): number {
  return Math.round(usd * 100);
}

describe("costOf", () => {
  test("1M input incl. 200k cached at $3/$0.30 plus 500k output at $15 is 0.8*3 + 0.2*0.3 + 0.5*15 = $9.96", () => {
    const cost = costOf(
      { input: 3, cached: 0.3, output: 15 },
      usage({ inputTokens: 1_000_000, cacheReadTokens: 200_000, outputTokens: 500_000 }),
    );
    expect(cents(cost)).toBe(996);
    expect(cost).toBeCloseTo(9.96, 10);
  });

  test("Anthropic turn with cache read and cache write: uncached, read, write and output each at their own rate", () => {
    const sonnet = DEFAULT_PRICING.anthropic.models["claude-sonnet-4-5-20250929"];
    // 120k prompt = 30k fresh + 40k read + 50k written; 4k output.
    const cost = costOf(sonnet, usage({ inputTokens: 120_000, cacheReadTokens: 40_000, cacheWriteTokens: 50_000, outputTokens: 4_000 }));
    // 30k*3 + 40k*0.30 + 50k*3.75 + 4k*15 = 0.09 + 0.012 + 0.1875 + 0.06 = $0.3495
    expect(cost).toBeCloseTo(0.3495, 12);
    expect(cents(cost)).toBe(35);
  });

  test("a DeepSeek agent loop at $0.28 miss / $0.028 hit / $0.42 out", () => {
    const chat = DEFAULT_PRICING.deepseek.models["deepseek-chat"];
    // 10M prompt tokens of which 9M hit the cache, 2M output: 1M*0.28 + 9M*0.028 + 2M*0.42 = 0.28 + 0.252 + 0.84
    const cost = costOf(chat, usage({ inputTokens: 10_000_000, cacheReadTokens: 9_000_000, outputTokens: 2_000_000 }));
    expect(cost).toBeCloseTo(1.372, 12);
    expect(cents(cost)).toBe(137);
  });

  test("without cached and cacheWrite prices, cache reads and writes cost plain input", () => {
    const price = { input: 2, output: 8 };
    const withCache = costOf(price, usage({ inputTokens: 1_000_000, cacheReadTokens: 300_000, cacheWriteTokens: 200_000 }));
    const without = costOf(price, usage({ inputTokens: 1_000_000 }));
    expect(withCache).toBe(2);
    expect(without).toBe(2);
  });

  test("reasoning tokens are part of output: billed at the output rate unless the price names a reasoning rate", () => {
    const u = usage({ inputTokens: 1_000_000, outputTokens: 1_000_000, reasoningTokens: 600_000 });
    // No reasoning rate: 1M in at $2 + 1M out at $8 (the reasoning share is not billed twice).
    expect(costOf({ input: 2, output: 8 }, u)).toBe(10);
    // Perplexity Sonar Deep Research: 400k answer at $8 + 600k reasoning at $3 + 1M in at $2 = 3.2 + 1.8 + 2.
    const deepResearch = DEFAULT_PRICING.perplexity.models["sonar-deep-research"];
    expect(costOf(deepResearch, u)).toBeCloseTo(7, 12);
  });

  test("reasoning reported above the output total is capped at the output total", () => {
    const cost = costOf({ input: 0, output: 8, reasoning: 3 }, usage({ outputTokens: 100_000, reasoningTokens: 250_000 }));
    // All 100k output are reasoning at $3; nothing is billed at a negative answer count.
    expect(cost).toBeCloseTo(0.3, 12);
  });

  test("cache counts larger than the prompt leave no uncached input and never go negative", () => {
    const cost = costOf(
      { input: 3, cached: 0.3, cacheWrite: 3.75, output: 15 },
      usage({ inputTokens: 100_000, cacheReadTokens: 80_000, cacheWriteTokens: 60_000 }),
    );
    // Uncached clamps to 0; the reported reads and writes are still billed: 80k*0.3 + 60k*3.75.
    expect(cost).toBeCloseTo(0.024 + 0.225, 12);
  });

  test("negative, NaN and infinite counts count as none", () => {
    const price = { input: 3, cached: 0.3, output: 15 };
    const cost = costOf(
      price,
      usage({ inputTokens: -5, outputTokens: Number.NaN, cacheReadTokens: Number.POSITIVE_INFINITY, cacheWriteTokens: -1 }),
    );
    expect(cost).toBe(0);
  });

  test("a negative or non-finite price charges nothing instead of crediting", () => {
    const cost = costOf({ input: -3, output: Number.NaN }, usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }));
    expect(cost).toBe(0);
  });

  test("flat-rate and free models cost exactly $0 however many tokens they use", () => {
    const heavy = usage({ inputTokens: 50_000_000, cacheReadTokens: 40_000_000, outputTokens: 5_000_000, reasoningTokens: 1_000 });
    expect(costOf(DEFAULT_PRICING.claude.models["claude-opus-4-6"], heavy)).toBe(0);
    expect(costOf(DEFAULT_PRICING.iflow.models["glm-4.7"], heavy)).toBe(0);
  });

  test("an empty usage costs nothing", () => {
    expect(costOf({ input: 5, cached: 0.5, cacheWrite: 6.25, output: 25 }, usage({}))).toBe(0);
  });
});
