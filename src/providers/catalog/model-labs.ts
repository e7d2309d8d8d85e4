// Catalog entries for API-key providers that serve their own models (DeepSeek, xAI, Mistral, Perplexity, Cohere).
// Prices: USD per 1M tokens.
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";

export const MODEL_LAB_PROVIDERS: CatalogEntry[] = [
  {
    id: "deepseek",
    alias: "ds",
    name: "DeepSeek",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://api.deepseek.com",
    tier: "api-key",
    // Both names serve DeepSeek-V3.2 at one price since the September 2025 cut (cache hit / miss / output).
    billing: "metered",
    docsUrl: "https://platform.deepseek.com/api_keys",
    models: [
      { id: "deepseek-chat", name: "DeepSeek Chat", type: "chat", price: { input: 0.28, cached: 0.028, output: 0.42 } },
      { id: "deepseek-reasoner", name: "DeepSeek Reasoner", type: "chat", price: { input: 0.28, cached: 0.028, output: 0.42 } },
    ],
  },
  {
    id: "xai",
    alias: "xai",
    name: "xAI",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://api.x.ai/v1",
    tier: "api-key",
    billing: "metered",
    docsUrl: "https://console.x.ai",
    models: [
      { id: "grok-4", name: "Grok 4", type: "chat", price: { input: 3, cached: 0.75, output: 15 } }, // unverified
      { id: "grok-4-0709", name: "Grok 4 (0709)", type: "chat", price: { input: 3, cached: 0.75, output: 15 } }, // unverified
      // The user guide's name; xAI publishes `grok-4-fast-reasoning`, not this id (unverified).
      // Not a published id (see above); priced as grok-4-fast-reasoning. unverified
      { id: "grok-4-0709-fast-reasoning", name: "Grok 4 Fast Reasoning", type: "chat", price: { input: 0.2, cached: 0.05, output: 0.5 } },
      { id: "grok-4-fast-reasoning", name: "Grok 4 Fast Reasoning", type: "chat", price: { input: 0.2, cached: 0.05, output: 0.5 } }, // unverified
      { id: "grok-4-fast-non-reasoning", name: "Grok 4 Fast", type: "chat", price: { input: 0.2, cached: 0.05, output: 0.5 } }, // unverified
      { id: "grok-code-fast-1", name: "Grok Code Fast 1", type: "chat", price: { input: 0.2, cached: 0.02, output: 1.5 } }, // unverified
      // The user guide's name; xAI publishes `grok-code-fast-1`, not this id (unverified).
      { id: "grok-code-mini", name: "Grok Code Mini", type: "chat", price: { input: 0.2, cached: 0.02, output: 1.5 } }, // not a published id; priced as grok-code-fast-1. unverified
      { id: "grok-3-mini", name: "Grok 3 Mini", type: "chat", price: { input: 0.3, cached: 0.075, output: 0.5 } },
      { id: "grok-2-image-1212", name: "Grok 2 Image", type: "image", price: ZERO_PRICE }, // priced per image ($0.07); see images endpoint
    ],
  },
  {
    id: "mistral",
    alias: "mistral",
    name: "Mistral AI",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://api.mistral.ai/v1",
    tier: "api-key",
    billing: "metered",
    docsUrl: "https://console.mistral.ai/api-keys",
    models: [
      // The user guide's name; Mistral's published Large versions are 2407 and 2411 (unverified).
      { id: "mistral-large-2501", name: "Mistral Large", type: "chat", reasoning: false, price: { input: 2, output: 6 } }, // not a published id; priced as Mistral Large 2 (2411). unverified
      { id: "mistral-large-latest", name: "Mistral Large (latest)", type: "chat", reasoning: false, price: { input: 0.5, output: 1.5 } }, // Mistral Large 3
      { id: "mistral-medium-2508", name: "Mistral Medium 3.1", type: "chat", price: { input: 0.4, output: 2 } },
      { id: "mistral-small-latest", name: "Mistral Small (latest)", type: "chat", price: { input: 0.1, output: 0.3 } },
      { id: "codestral-2501", name: "Codestral 25.01", type: "chat", reasoning: false, price: { input: 0.3, output: 0.9 } },
      { id: "codestral-latest", name: "Codestral (latest)", type: "chat", reasoning: false, price: { input: 0.3, output: 0.9 } },
      { id: "devstral-medium-2507", name: "Devstral Medium", type: "chat", price: { input: 0.4, output: 2 } },
      { id: "mistral-embed", name: "Mistral Embed", type: "embedding", price: { input: 0.1, output: 0 } }, // unverified
      { id: "voxtral-mini-2507", name: "Voxtral Mini Transcribe", type: "audio", price: ZERO_PRICE }, // priced per minute of audio; see transcription endpoint
    ],
  },
  {
    id: "perplexity",
    alias: "pplx",
    name: "Perplexity",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    // No /v1: Perplexity serves `/chat/completions` at the root.
    baseUrl: "https://api.perplexity.ai",
    tier: "api-key",
    // Token prices only: the per-request search fee ($5-$14 per 1K requests by search context size) and deep research's
    // citation tokens and search queries are not expressible per token and are not counted.
    billing: "metered",
    docsUrl: "https://www.perplexity.ai/settings/api",
    models: [
      { id: "sonar", name: "Sonar", type: "chat", reasoning: false, price: { input: 1, output: 1 } },
      { id: "sonar-pro", name: "Sonar Pro", type: "chat", reasoning: false, price: { input: 3, output: 15 } },
      { id: "sonar-reasoning", name: "Sonar Reasoning", type: "chat", price: { input: 1, output: 5 } },
      { id: "sonar-reasoning-pro", name: "Sonar Reasoning Pro", type: "chat", price: { input: 2, output: 8 } },
      { id: "sonar-deep-research", name: "Sonar Deep Research", type: "chat", price: { input: 2, output: 8, reasoning: 3 } },
    ],
  },
  {
    id: "cohere",
    alias: "cohere",
    name: "Cohere",
    // Cohere's OpenAI-compatible "Compatibility API" (chat completions and embeddings).
    // It is reported to reject `stream_options` (unverified against Cohere's docs).
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://api.cohere.ai/compatibility/v1",
    tier: "api-key",
    billing: "metered",
    docsUrl: "https://dashboard.cohere.com/api-keys",
    models: [
      { id: "command-a-03-2025", name: "Command A", type: "chat", price: { input: 2.5, output: 10 } }, // unverified
      { id: "command-r-plus-08-2024", name: "Command R+ (08-2024)", type: "chat", reasoning: false, price: { input: 2.5, output: 10 } }, // unverified
      { id: "command-r-08-2024", name: "Command R (08-2024)", type: "chat", reasoning: false, price: { input: 0.15, output: 0.6 } }, // unverified
      { id: "embed-v4.0", name: "Embed v4", type: "embedding", price: { input: 0.12, output: 0 } }, // text input; unverified
      { id: "embed-english-v3.0", name: "Embed English v3", type: "embedding", price: { input: 0.1, output: 0 } }, // unverified
    ],
  },
];
