// Default pricing for hosts of open models (Groq, Together, Fireworks, Cerebras, NVIDIA, OpenRouter), USD per 1M tokens.
import { ZERO_PRICE, type ProviderPricing } from "./types.ts";

export const INFERENCE_HOST_PRICING: Record<string, ProviderPricing> = {
  groq: {
    billing: "metered",
    models: {
      "llama-3.3-70b-versatile": { input: 0.59, output: 0.79 },
      "llama-3.1-8b-instant": { input: 0.05, output: 0.08 }, // unverified
      "llama-4-maverick-17b-128e-instruct": { input: 0.2, output: 0.6 }, // unverified
      "meta-llama/llama-4-maverick-17b-128e-instruct": { input: 0.2, output: 0.6 }, // unverified
      "meta-llama/llama-4-scout-17b-16e-instruct": { input: 0.11, output: 0.34 }, // unverified
      "openai/gpt-oss-120b": { input: 0.15, cached: 0.075, output: 0.6 },
      "moonshotai/kimi-k2-instruct-0905": { input: 1, cached: 0.5, output: 3 }, // unverified
      "whisper-large-v3": ZERO_PRICE, // priced per hour of audio; see transcription endpoint
      "whisper-large-v3-turbo": ZERO_PRICE, // priced per hour of audio; see transcription endpoint
    },
  },
  together: {
    billing: "metered",
    models: {
      "meta-llama/Llama-3.3-70B-Instruct-Turbo": { input: 0.88, output: 0.88 }, // unverified
      "deepseek-ai/DeepSeek-V3": { input: 1.25, output: 1.25 }, // unverified
      "Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8": { input: 2, output: 2 }, // unverified
      "moonshotai/Kimi-K2-Instruct-0905": { input: 1, output: 3 }, // unverified
      "black-forest-labs/FLUX.1-schnell": ZERO_PRICE, // priced per megapixel; see images endpoint
      "BAAI/bge-large-en-v1.5": { input: 0.02, output: 0 }, // unverified
    },
  },
  // Serverless rates; cached input defaults to 50% of input unless a model lists its own rate.
  fireworks: {
    billing: "metered",
    models: {
      "accounts/fireworks/models/deepseek-v3p1": { input: 0.56, cached: 0.28, output: 1.68 },
      "accounts/fireworks/models/llama-v3p3-70b-instruct": { input: 0.9, cached: 0.45, output: 0.9 },
      "accounts/fireworks/models/qwen3-coder-480b-a35b-instruct": { input: 0.45, cached: 0.225, output: 1.8 }, // unverified
      "accounts/fireworks/models/kimi-k2-instruct-0905": { input: 0.6, cached: 0.3, output: 2.5 }, // unverified
      "accounts/fireworks/models/flux-1-schnell-fp8": ZERO_PRICE, // priced per inference step; see images endpoint
      "nomic-ai/nomic-embed-text-v1.5": { input: 0.008, output: 0 },
    },
  },
  cerebras: {
    billing: "metered",
    models: {
      "llama-3.3-70b": { input: 0.85, output: 1.2 }, // unverified
      "llama3.1-8b": { input: 0.1, output: 0.1 }, // unverified
      "gpt-oss-120b": { input: 0.35, output: 0.75 }, // unverified
      "qwen-3-32b": { input: 0.4, output: 0.8 }, // unverified
    },
  },
  // build.nvidia.com's hosted endpoints are free for NVIDIA Developer Program members (rate-limited trial);
  // NVIDIA publishes no per-token price for them (production NIM is licensed per GPU).
  nvidia: {
    billing: "free",
    models: {
      "nvidia/llama-3.3-70b-instruct": ZERO_PRICE,
      "meta/llama-3.3-70b-instruct": ZERO_PRICE,
      "nvidia/llama-3.3-nemotron-super-49b-v1": ZERO_PRICE,
      "deepseek-ai/deepseek-r1": ZERO_PRICE,
      "qwen/qwen3-coder-480b-a35b-instruct": ZERO_PRICE,
      "nvidia/nv-embedqa-e5-v5": ZERO_PRICE,
    },
  },
  // OpenRouter passes the serving provider's price through (its own fee is charged on credit purchases), so
  // first-party models carry first-party prices; open models vary with the provider it routes to.
  openrouter: {
    billing: "metered",
    models: {
      "anthropic/claude-sonnet-4.5": { input: 3, cached: 0.3, cacheWrite: 3.75, output: 15 },
      "openai/gpt-5": { input: 1.25, cached: 0.125, output: 10 },
      "google/gemini-2.5-pro": { input: 1.25, cached: 0.125, output: 10 }, // cached unverified
      "deepseek/deepseek-chat-v3.1": { input: 0.2, output: 0.8 }, // unverified
      "meta-llama/llama-3.3-70b-instruct": { input: 0.1, output: 0.32 }, // unverified
    },
  },
};
