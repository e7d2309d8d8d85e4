// Catalog entries for API-key providers that host open models (Groq, Together, Fireworks, Cerebras, NVIDIA, OpenRouter).
// Prices: USD per 1M tokens.
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";

export const INFERENCE_HOST_PROVIDERS: CatalogEntry[] = [
  {
    id: "groq",
    alias: "groq",
    name: "Groq",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://api.groq.com/openai/v1",
    tier: "api-key",
    billing: "metered",
    docsUrl: "https://console.groq.com/keys",
    models: [
      {
        id: "llama-3.3-70b-versatile",
        name: "Llama 3.3 70B Versatile",
        type: "chat",
        reasoning: false,
        price: { input: 0.59, output: 0.79 },
      },
      { id: "llama-3.1-8b-instant", name: "Llama 3.1 8B Instant", type: "chat", reasoning: false, price: { input: 0.05, output: 0.08 } }, // unverified
      // The user guide's name; Groq lists it as `meta-llama/llama-4-maverick-17b-128e-instruct` (unverified that both work).
      {
        id: "llama-4-maverick-17b-128e-instruct",
        name: "Llama 4 Maverick",
        type: "chat",
        reasoning: false,
        price: { input: 0.2, output: 0.6 },
      }, // unverified
      {
        id: "meta-llama/llama-4-maverick-17b-128e-instruct",
        name: "Llama 4 Maverick",
        type: "chat",
        reasoning: false,
        price: { input: 0.2, output: 0.6 },
      }, // unverified
      {
        id: "meta-llama/llama-4-scout-17b-16e-instruct",
        name: "Llama 4 Scout",
        type: "chat",
        reasoning: false,
        price: { input: 0.11, output: 0.34 },
      }, // unverified
      { id: "openai/gpt-oss-120b", name: "GPT-OSS 120B", type: "chat", price: { input: 0.15, cached: 0.075, output: 0.6 } },
      { id: "moonshotai/kimi-k2-instruct-0905", name: "Kimi K2 0905", type: "chat", price: { input: 1, cached: 0.5, output: 3 } }, // unverified
      { id: "whisper-large-v3", name: "Whisper Large v3", type: "audio", price: ZERO_PRICE }, // priced per hour of audio; see transcription endpoint
      { id: "whisper-large-v3-turbo", name: "Whisper Large v3 Turbo", type: "audio", price: ZERO_PRICE }, // priced per hour of audio; see transcription endpoint
    ],
  },
  {
    id: "together",
    alias: "together",
    name: "Together AI",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://api.together.xyz/v1",
    tier: "api-key",
    billing: "metered",
    docsUrl: "https://api.together.ai/settings/api-keys",
    models: [
      {
        id: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        name: "Llama 3.3 70B Instruct Turbo",
        type: "chat",
        reasoning: false,
        price: { input: 0.88, output: 0.88 },
      }, // unverified
      { id: "deepseek-ai/DeepSeek-V3", name: "DeepSeek V3", type: "chat", price: { input: 1.25, output: 1.25 } }, // unverified
      { id: "Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8", name: "Qwen3 Coder 480B", type: "chat", price: { input: 2, output: 2 } }, // unverified
      { id: "moonshotai/Kimi-K2-Instruct-0905", name: "Kimi K2 0905", type: "chat", price: { input: 1, output: 3 } }, // unverified
      { id: "black-forest-labs/FLUX.1-schnell", name: "FLUX.1 [schnell]", type: "image", price: ZERO_PRICE }, // priced per megapixel; see images endpoint
      { id: "BAAI/bge-large-en-v1.5", name: "BGE Large EN v1.5", type: "embedding", price: { input: 0.02, output: 0 } }, // unverified
    ],
  },
  {
    id: "fireworks",
    alias: "fireworks",
    name: "Fireworks AI",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://api.fireworks.ai/inference/v1",
    tier: "api-key",
    // Serverless rates; cached input defaults to 50% of input unless a model lists its own rate.
    billing: "metered",
    docsUrl: "https://fireworks.ai/account/api-keys",
    // FLUX is served by Fireworks' workflow endpoint (`<base>/workflows/<model>/text_to_image`), not `/images/generations`.
    media: { images: "fireworks" },
    models: [
      {
        id: "accounts/fireworks/models/deepseek-v3p1",
        name: "DeepSeek V3.1",
        type: "chat",
        price: { input: 0.56, cached: 0.28, output: 1.68 },
      },
      {
        id: "accounts/fireworks/models/llama-v3p3-70b-instruct",
        name: "Llama 3.3 70B Instruct",
        type: "chat",
        reasoning: false,
        price: { input: 0.9, cached: 0.45, output: 0.9 },
      },
      {
        id: "accounts/fireworks/models/qwen3-coder-480b-a35b-instruct",
        name: "Qwen3 Coder 480B",
        type: "chat",
        price: { input: 0.45, cached: 0.225, output: 1.8 },
      }, // unverified
      {
        id: "accounts/fireworks/models/kimi-k2-instruct-0905",
        name: "Kimi K2 0905",
        type: "chat",
        price: { input: 0.6, cached: 0.3, output: 2.5 },
      }, // unverified
      // Served by the workflow endpoint (docs.fireworks.ai "Generate an image with FLUX.1 [schnell] FP8").
      { id: "accounts/fireworks/models/flux-1-schnell-fp8", name: "FLUX.1 [schnell] FP8", type: "image", price: ZERO_PRICE }, // priced per inference step; see images endpoint
      { id: "nomic-ai/nomic-embed-text-v1.5", name: "Nomic Embed Text v1.5", type: "embedding", price: { input: 0.008, output: 0 } },
    ],
  },
  {
    id: "cerebras",
    alias: "cerebras",
    name: "Cerebras",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://api.cerebras.ai/v1",
    tier: "api-key",
    billing: "metered",
    docsUrl: "https://cloud.cerebras.ai",
    models: [
      { id: "llama-3.3-70b", name: "Llama 3.3 70B", type: "chat", reasoning: false, price: { input: 0.85, output: 1.2 } }, // unverified
      { id: "llama3.1-8b", name: "Llama 3.1 8B", type: "chat", reasoning: false, price: { input: 0.1, output: 0.1 } }, // unverified
      { id: "gpt-oss-120b", name: "GPT-OSS 120B", type: "chat", price: { input: 0.35, output: 0.75 } }, // unverified
      { id: "qwen-3-32b", name: "Qwen 3 32B", type: "chat", price: { input: 0.4, output: 0.8 } }, // unverified
    ],
  },
  {
    id: "nvidia",
    alias: "nvidia",
    name: "NVIDIA NIM",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://integrate.api.nvidia.com/v1",
    tier: "api-key",
    // build.nvidia.com's hosted endpoints are free for NVIDIA Developer Program members (rate-limited trial);
    // NVIDIA publishes no per-token price for them (production NIM is licensed per GPU).
    billing: "free",
    docsUrl: "https://build.nvidia.com/settings/api-keys",
    // NIM model ids carry their own publisher segment: `nvidia/nvidia/llama-3.3-70b-instruct` is provider
    // `nvidia` + model `nvidia/llama-3.3-70b-instruct` (only the first segment is the prefix).
    models: [
      // The user guide's name; NIM publishes Llama 3.3 70B as `meta/llama-3.3-70b-instruct` (unverified).
      { id: "nvidia/llama-3.3-70b-instruct", name: "Llama 3.3 70B Instruct", type: "chat", reasoning: false, price: ZERO_PRICE },
      { id: "meta/llama-3.3-70b-instruct", name: "Llama 3.3 70B Instruct", type: "chat", reasoning: false, price: ZERO_PRICE },
      {
        id: "nvidia/llama-3.3-nemotron-super-49b-v1",
        name: "Llama 3.3 Nemotron Super 49B",
        type: "chat",
        reasoning: false,
        price: ZERO_PRICE,
      },
      { id: "deepseek-ai/deepseek-r1", name: "DeepSeek R1", type: "chat", price: ZERO_PRICE },
      { id: "qwen/qwen3-coder-480b-a35b-instruct", name: "Qwen3 Coder 480B", type: "chat", price: ZERO_PRICE },
      { id: "nvidia/nv-embedqa-e5-v5", name: "NV-EmbedQA E5 v5", type: "embedding", price: ZERO_PRICE },
    ],
  },
  {
    id: "openrouter",
    alias: "openrouter",
    name: "OpenRouter",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://openrouter.ai/api/v1",
    tier: "api-key",
    // OpenRouter passes the serving provider's price through (its own fee is charged on credit purchases), so
    // first-party models carry first-party prices; open models vary with the provider it routes to.
    billing: "metered",
    docsUrl: "https://openrouter.ai/settings/keys",
    models: [
      {
        id: "anthropic/claude-sonnet-4.5",
        name: "Claude Sonnet 4.5",
        type: "chat",
        price: { input: 3, cached: 0.3, cacheWrite: 3.75, output: 15 },
      },
      { id: "openai/gpt-5", name: "GPT-5", type: "chat", price: { input: 1.25, cached: 0.125, output: 10 } },
      { id: "google/gemini-2.5-pro", name: "Gemini 2.5 Pro", type: "chat", price: { input: 1.25, cached: 0.125, output: 10 } }, // cached unverified
      { id: "deepseek/deepseek-chat-v3.1", name: "DeepSeek V3.1", type: "chat", price: { input: 0.2, output: 0.8 } }, // unverified
      {
        id: "meta-llama/llama-3.3-70b-instruct",
        name: "Llama 3.3 70B Instruct",
        type: "chat",
        reasoning: false,
        price: { input: 0.1, output: 0.32 },
      }, // unverified
    ],
  },
];
