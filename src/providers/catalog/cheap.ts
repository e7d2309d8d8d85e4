// Catalog entries for low-cost API-key providers with coding plans (Z.ai GLM, MiniMax, Moonshot Kimi).
import type { ProviderSpec } from "../types.ts";

export const CHEAP_PROVIDERS: ProviderSpec[] = [
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
    headers: { "anthropic-version": "2023-06-01" },
    docsUrl: "https://z.ai/manage-apikey/apikey-list",
    models: [
      { id: "glm-4.7", name: "GLM-4.7", type: "chat" },
      { id: "glm-4.6", name: "GLM-4.6", type: "chat" },
      { id: "glm-4.5", name: "GLM-4.5", type: "chat" },
      { id: "glm-4.5-air", name: "GLM-4.5-Air", type: "chat" },
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
    headers: { "anthropic-version": "2023-06-01" },
    docsUrl: "https://platform.minimax.io/user-center/basic-information/interface-key",
    models: [
      { id: "MiniMax-M2.1", name: "MiniMax M2.1", type: "chat" },
      { id: "MiniMax-M2.1-highspeed", name: "MiniMax M2.1 Highspeed", type: "chat" },
      { id: "MiniMax-M2", name: "MiniMax M2", type: "chat" },
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
    docsUrl: "https://platform.moonshot.ai/console/api-keys",
    models: [
      // The user guide's name; Moonshot has been retiring `kimi-latest` in favour of the K2 ids (unverified when).
      { id: "kimi-latest", name: "Kimi Latest", type: "chat" },
      { id: "kimi-k2.5", name: "Kimi K2.5", type: "chat" },
      { id: "kimi-k2-0905-preview", name: "Kimi K2 0905", type: "chat" },
      { id: "kimi-k2-turbo-preview", name: "Kimi K2 Turbo", type: "chat" },
      { id: "kimi-k2-thinking", name: "Kimi K2 Thinking", type: "chat" },
      { id: "kimi-k2-thinking-turbo", name: "Kimi K2 Thinking Turbo", type: "chat" },
    ],
  },
];
