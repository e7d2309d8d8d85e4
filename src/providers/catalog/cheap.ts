// Catalog entries for low-cost API-key providers with coding plans (Z.ai GLM, MiniMax, Moonshot Kimi).
// Prices: pay-as-you-go, USD per 1M tokens. Each also sells a flat-fee coding plan; a user on one can set these
// prices to 0 through PUT /api/pricing.
import type { CatalogEntry } from "../types.ts";

export const CHEAP_PROVIDERS: CatalogEntry[] = [
  {
    id: "glm",
    alias: "glm",
    name: "Z.ai GLM",
    format: "anthropic",
    authType: "api-key",
    // Z.ai documents this endpoint with ANTHROPIC_AUTH_TOKEN (Bearer); x-api-key is reported to work too (unverified).
    authHeader: "bearer",
    // The Anthropic-compatible endpoint Z.ai's GLM Coding Plan docs point Claude Code at. The Coding Plan's
    // OpenAI-compatible endpoint is https://api.z.ai/api/coding/paas/v4 (pay-as-you-go: https://api.z.ai/api/paas/v4).
    // Keys from Zhipu's open.bigmodel.cn belong to a separate platform whose Anthropic endpoint is
    // https://open.bigmodel.cn/api/anthropic (unverified); add it as a custom provider node.
    baseUrl: "https://api.z.ai/api/anthropic",
    tier: "cheap",
    // docs.z.ai pricing: cache hits billed at a fraction of input; cache storage is free, so writes cost plain input.
    billing: "metered",
    headers: { "anthropic-version": "2023-06-01" },
    docsUrl: "https://z.ai/manage-apikey/apikey-list",
    models: [
      { id: "glm-4.7", name: "GLM-4.7", type: "chat", price: { input: 0.6, cached: 0.11, output: 2.2 } },
      { id: "glm-4.6", name: "GLM-4.6", type: "chat", price: { input: 0.6, cached: 0.11, output: 2.2 } },
      { id: "glm-4.5", name: "GLM-4.5", type: "chat", price: { input: 0.6, cached: 0.11, output: 2.2 } },
      { id: "glm-4.5-air", name: "GLM-4.5-Air", type: "chat", price: { input: 0.2, cached: 0.03, output: 1.1 } }, // unverified
    ],
  },
  {
    id: "minimax",
    alias: "minimax",
    name: "MiniMax",
    format: "anthropic",
    authType: "api-key",
    // MiniMax documents ANTHROPIC_API_KEY for the Anthropic SDK, which sends x-api-key.
    authHeader: "x-api-key",
    // International endpoint; mainland China: https://api.minimaxi.com/anthropic.
    baseUrl: "https://api.minimax.io/anthropic",
    tier: "cheap",
    // MiniMax pay-as-you-go. The user guide's "$0.20/1M" does not match the published $0.30 in / $1.20 out.
    billing: "metered",
    headers: { "anthropic-version": "2023-06-01" },
    docsUrl: "https://platform.minimax.io/user-center/basic-information/interface-key",
    models: [
      { id: "MiniMax-M2.1", name: "MiniMax M2.1", type: "chat", price: { input: 0.3, cached: 0.03, cacheWrite: 0.375, output: 1.2 } },
      {
        id: "MiniMax-M2.1-highspeed",
        name: "MiniMax M2.1 Highspeed",
        type: "chat",
        price: { input: 0.6, cached: 0.03, cacheWrite: 0.75, output: 2.4 },
      }, // unverified
      { id: "MiniMax-M2", name: "MiniMax M2", type: "chat", price: { input: 0.3, cached: 0.03, cacheWrite: 0.375, output: 1.2 } },
    ],
  },
  {
    id: "kimi",
    alias: "kimi",
    name: "Moonshot Kimi",
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    // International endpoint; mainland China: https://api.moonshot.cn/v1.
    baseUrl: "https://api.moonshot.ai/v1",
    tier: "cheap",
    // Moonshot pay-as-you-go (api.moonshot.ai); the guide's "$9/month" Kimi plan is a separate subscription.
    billing: "metered",
    docsUrl: "https://platform.moonshot.ai/console/api-keys",
    models: [
      // The user guide's name; Moonshot has been retiring `kimi-latest` in favour of the K2 ids (unverified when).
      // Tiered by context (8k/32k/128k); priced at the 128k tier, so short prompts are overstated. unverified
      { id: "kimi-latest", name: "Kimi Latest", type: "chat", price: { input: 2, cached: 0.15, output: 5 } },
      { id: "kimi-k2.5", name: "Kimi K2.5", type: "chat", price: { input: 0.6, cached: 0.1, output: 3 } }, // cached and output unverified
      { id: "kimi-k2-0905-preview", name: "Kimi K2 0905", type: "chat", price: { input: 0.6, cached: 0.15, output: 2.5 } }, // unverified
      { id: "kimi-k2-turbo-preview", name: "Kimi K2 Turbo", type: "chat", price: { input: 1.15, cached: 0.15, output: 8 } },
      { id: "kimi-k2-thinking", name: "Kimi K2 Thinking", type: "chat", price: { input: 0.6, cached: 0.15, output: 2.5 } },
      { id: "kimi-k2-thinking-turbo", name: "Kimi K2 Thinking Turbo", type: "chat", price: { input: 1.15, cached: 0.15, output: 8 } }, // unverified
    ],
  },
];
