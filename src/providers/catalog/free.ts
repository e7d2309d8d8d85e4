// Catalog entries for providers with a free OAuth login (Qwen Code, Kiro, iFlow): $0.
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";

export const FREE_PROVIDERS: CatalogEntry[] = [
  {
    id: "qwen",
    alias: "qw",
    name: "Qwen Code",
    format: "openai-chat",
    authType: "oauth",
    authHeader: "bearer",
    // Default for Qwen's device-code login; a token's `resource_url` may name another host (adapter's job).
    baseUrl: "https://portal.qwen.ai/v1",
    tier: "free",
    billing: "free",
    docsUrl: "https://chat.qwen.ai",
    models: [
      { id: "qwen3-coder-plus", name: "Qwen3 Coder Plus", type: "chat", price: ZERO_PRICE },
      { id: "qwen3-coder-flash", name: "Qwen3 Coder Flash", type: "chat", price: ZERO_PRICE },
      { id: "vision-model", name: "Qwen Vision", type: "chat", price: ZERO_PRICE },
    ],
  },
  {
    id: "kiro",
    alias: "kr",
    name: "Kiro",
    // Canonical target only: upstream is CodeWhisperer's `POST /generateAssistantResponse`, answering in
    // AWS event-stream (binary frames), not SSE; a Kiro adapter must translate both ways.
    format: "anthropic",
    authType: "oauth",
    authHeader: "bearer",
    baseUrl: "https://codewhisperer.us-east-1.amazonaws.com",
    tier: "free",
    billing: "free",
    docsUrl: "https://kiro.dev",
    models: [
      { id: "claude-sonnet-4.5", name: "Claude Sonnet 4.5", type: "chat", price: ZERO_PRICE },
      { id: "claude-haiku-4.5", name: "Claude Haiku 4.5", type: "chat", price: ZERO_PRICE },
      { id: "claude-sonnet-4", name: "Claude Sonnet 4", type: "chat", price: ZERO_PRICE },
    ],
  },
  {
    id: "iflow",
    alias: "if",
    name: "iFlow",
    format: "openai-chat",
    authType: "oauth",
    // iFlow's OAuth login yields an API key, sent as Bearer.
    authHeader: "bearer",
    baseUrl: "https://apis.iflow.cn/v1",
    tier: "free",
    billing: "free",
    docsUrl: "https://iflow.cn",
    models: [
      { id: "kimi-k2-thinking", name: "Kimi K2 Thinking", type: "chat", price: ZERO_PRICE },
      { id: "kimi-k2-0905", name: "Kimi K2 0905", type: "chat", price: ZERO_PRICE },
      { id: "qwen3-coder-plus", name: "Qwen3 Coder Plus", type: "chat", price: ZERO_PRICE },
      { id: "qwen3-max", name: "Qwen3 Max", type: "chat", price: ZERO_PRICE },
      { id: "glm-4.7", name: "GLM-4.7", type: "chat", price: ZERO_PRICE },
      { id: "minimax-m2", name: "MiniMax M2", type: "chat", price: ZERO_PRICE },
      { id: "minimax-m2.1", name: "MiniMax M2.1", type: "chat", price: ZERO_PRICE },
      { id: "deepseek-r1", name: "DeepSeek R1", type: "chat", price: ZERO_PRICE },
      { id: "deepseek-v3.2", name: "DeepSeek V3.2", type: "chat", price: ZERO_PRICE },
      { id: "iflow-rome-30ba3b", name: "iFlow ROME 30B", type: "chat", price: ZERO_PRICE },
    ],
  },
];
