// Default pay-as-you-go pricing for the low-cost providers (Z.ai GLM, MiniMax, Moonshot Kimi), USD per 1M tokens.
import type { ProviderPricing } from "./types.ts";

// Each also sells a flat-fee coding plan; a user on one can set these prices to 0 through PUT /api/pricing.
export const CHEAP_PRICING: Record<string, ProviderPricing> = {
  // docs.z.ai pricing: cache hits billed at a fraction of input; cache storage is free, so writes cost plain input.
  glm: {
    billing: "metered",
    models: {
      "glm-4.7": { input: 0.6, cached: 0.11, output: 2.2 },
      "glm-4.6": { input: 0.6, cached: 0.11, output: 2.2 },
      "glm-4.5": { input: 0.6, cached: 0.11, output: 2.2 },
      "glm-4.5-air": { input: 0.2, cached: 0.03, output: 1.1 }, // unverified
    },
  },
  // MiniMax pay-as-you-go. The user guide's "$0.20/1M" does not match the published $0.30 in / $1.20 out.
  minimax: {
    billing: "metered",
    models: {
      "MiniMax-M2.1": { input: 0.3, cached: 0.03, cacheWrite: 0.375, output: 1.2 },
      "MiniMax-M2.1-highspeed": { input: 0.6, cached: 0.03, cacheWrite: 0.75, output: 2.4 }, // unverified
      "MiniMax-M2": { input: 0.3, cached: 0.03, cacheWrite: 0.375, output: 1.2 },
    },
  },
  // Moonshot pay-as-you-go (api.moonshot.ai); the guide's "$9/month" Kimi plan is a separate subscription.
  kimi: {
    billing: "metered",
    models: {
      // Tiered by context (8k/32k/128k); priced at the 128k tier, so short prompts are overstated. unverified
      "kimi-latest": { input: 2, cached: 0.15, output: 5 },
      "kimi-k2.5": { input: 0.6, cached: 0.1, output: 3 }, // cached and output unverified
      "kimi-k2-0905-preview": { input: 0.6, cached: 0.15, output: 2.5 }, // unverified
      "kimi-k2-turbo-preview": { input: 1.15, cached: 0.15, output: 8 },
      "kimi-k2-thinking": { input: 0.6, cached: 0.15, output: 2.5 },
      "kimi-k2-thinking-turbo": { input: 1.15, cached: 0.15, output: 8 }, // unverified
    },
  },
};
