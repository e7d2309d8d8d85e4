// iFlow in the catalog (free login): endpoint, models, prices (free, $0).
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";

export const IFLOW_ENTRY: CatalogEntry = {
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
};
