// Catalog entries for API-key providers that serve their own models (DeepSeek, xAI, Mistral, Perplexity, Cohere).
import type { ProviderSpec } from "../types.ts";

export const MODEL_LAB_PROVIDERS: ProviderSpec[] = [
  {
    id: "deepseek",
    alias: "ds",
    name: "DeepSeek",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://api.deepseek.com",
    tier: "api-key",
    docsUrl: "https://platform.deepseek.com/api_keys",
    models: [
      { id: "deepseek-chat", name: "DeepSeek Chat", type: "chat" },
      { id: "deepseek-reasoner", name: "DeepSeek Reasoner", type: "chat" },
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
    docsUrl: "https://console.x.ai",
    models: [
      { id: "grok-4", name: "Grok 4", type: "chat" },
      { id: "grok-4-0709", name: "Grok 4 (0709)", type: "chat" },
      // The user guide's name; xAI publishes `grok-4-fast-reasoning`, not this id (unverified).
      { id: "grok-4-0709-fast-reasoning", name: "Grok 4 Fast Reasoning", type: "chat" },
      { id: "grok-4-fast-reasoning", name: "Grok 4 Fast Reasoning", type: "chat" },
      { id: "grok-4-fast-non-reasoning", name: "Grok 4 Fast", type: "chat" },
      { id: "grok-code-fast-1", name: "Grok Code Fast 1", type: "chat" },
      // The user guide's name; xAI publishes `grok-code-fast-1`, not this id (unverified).
      { id: "grok-code-mini", name: "Grok Code Mini", type: "chat" },
      { id: "grok-3-mini", name: "Grok 3 Mini", type: "chat" },
      { id: "grok-2-image-1212", name: "Grok 2 Image", type: "image" },
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
    docsUrl: "https://console.mistral.ai/api-keys",
    models: [
      // The user guide's name; Mistral's published Large versions are 2407 and 2411 (unverified).
      { id: "mistral-large-2501", name: "Mistral Large", type: "chat", reasoning: false },
      { id: "mistral-large-latest", name: "Mistral Large (latest)", type: "chat", reasoning: false },
      { id: "mistral-medium-2508", name: "Mistral Medium 3.1", type: "chat" },
      { id: "mistral-small-latest", name: "Mistral Small (latest)", type: "chat" },
      { id: "codestral-2501", name: "Codestral 25.01", type: "chat", reasoning: false },
      { id: "codestral-latest", name: "Codestral (latest)", type: "chat", reasoning: false },
      { id: "devstral-medium-2507", name: "Devstral Medium", type: "chat" },
      { id: "mistral-embed", name: "Mistral Embed", type: "embedding" },
      { id: "voxtral-mini-2507", name: "Voxtral Mini Transcribe", type: "audio" },
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
    docsUrl: "https://www.perplexity.ai/settings/api",
    models: [
      { id: "sonar", name: "Sonar", type: "chat", reasoning: false },
      { id: "sonar-pro", name: "Sonar Pro", type: "chat", reasoning: false },
      { id: "sonar-reasoning", name: "Sonar Reasoning", type: "chat" },
      { id: "sonar-reasoning-pro", name: "Sonar Reasoning Pro", type: "chat" },
      { id: "sonar-deep-research", name: "Sonar Deep Research", type: "chat" },
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
    docsUrl: "https://dashboard.cohere.com/api-keys",
    models: [
      { id: "command-a-03-2025", name: "Command A", type: "chat" },
      { id: "command-r-plus-08-2024", name: "Command R+ (08-2024)", type: "chat", reasoning: false },
      { id: "command-r-08-2024", name: "Command R (08-2024)", type: "chat", reasoning: false },
      { id: "embed-v4.0", name: "Embed v4", type: "embedding" },
      { id: "embed-english-v3.0", name: "Embed English v3", type: "embedding" },
    ],
  },
];
