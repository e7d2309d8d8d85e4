// Default pricing for labs serving their own models (DeepSeek, xAI, Mistral, Perplexity, Cohere), USD per 1M tokens.
import { ZERO_PRICE, type ProviderPricing } from "./types.ts";

export const MODEL_LAB_PRICING: Record<string, ProviderPricing> = {
  // Both names serve DeepSeek-V3.2 at one price since the September 2025 cut (cache hit / miss / output).
  deepseek: {
    billing: "metered",
    models: {
      "deepseek-chat": { input: 0.28, cached: 0.028, output: 0.42 },
      "deepseek-reasoner": { input: 0.28, cached: 0.028, output: 0.42 },
    },
  },
  xai: {
    billing: "metered",
    models: {
      "grok-4": { input: 3, cached: 0.75, output: 15 }, // unverified
      "grok-4-0709": { input: 3, cached: 0.75, output: 15 }, // unverified
      // Not a published id (see the catalog); priced as grok-4-fast-reasoning. unverified
      "grok-4-0709-fast-reasoning": { input: 0.2, cached: 0.05, output: 0.5 },
      "grok-4-fast-reasoning": { input: 0.2, cached: 0.05, output: 0.5 }, // unverified
      "grok-4-fast-non-reasoning": { input: 0.2, cached: 0.05, output: 0.5 }, // unverified
      "grok-code-fast-1": { input: 0.2, cached: 0.02, output: 1.5 }, // unverified
      "grok-code-mini": { input: 0.2, cached: 0.02, output: 1.5 }, // not a published id; priced as grok-code-fast-1. unverified
      "grok-3-mini": { input: 0.3, cached: 0.075, output: 0.5 },
      "grok-2-image-1212": ZERO_PRICE, // priced per image ($0.07); see images endpoint
    },
  },
  mistral: {
    billing: "metered",
    models: {
      "mistral-large-2501": { input: 2, output: 6 }, // not a published id; priced as Mistral Large 2 (2411). unverified
      "mistral-large-latest": { input: 0.5, output: 1.5 }, // Mistral Large 3
      "mistral-medium-2508": { input: 0.4, output: 2 },
      "mistral-small-latest": { input: 0.1, output: 0.3 },
      "codestral-2501": { input: 0.3, output: 0.9 },
      "codestral-latest": { input: 0.3, output: 0.9 },
      "devstral-medium-2507": { input: 0.4, output: 2 },
      "mistral-embed": { input: 0.1, output: 0 }, // unverified
      "voxtral-mini-2507": ZERO_PRICE, // priced per minute of audio; see transcription endpoint
    },
  },
  // Token prices only: the per-request search fee ($5-$14 per 1K requests by search context size) and deep research's
  // citation tokens and search queries are not expressible per token and are not counted.
  perplexity: {
    billing: "metered",
    models: {
      "sonar": { input: 1, output: 1 },
      "sonar-pro": { input: 3, output: 15 },
      "sonar-reasoning": { input: 1, output: 5 },
      "sonar-reasoning-pro": { input: 2, output: 8 },
      "sonar-deep-research": { input: 2, output: 8, reasoning: 3 },
    },
  },
  cohere: {
    billing: "metered",
    models: {
      "command-a-03-2025": { input: 2.5, output: 10 }, // unverified
      "command-r-plus-08-2024": { input: 2.5, output: 10 }, // unverified
      "command-r-08-2024": { input: 0.15, output: 0.6 }, // unverified
      "embed-v4.0": { input: 0.12, output: 0 }, // text input; unverified
      "embed-english-v3.0": { input: 0.1, output: 0 }, // unverified
    },
  },
};
