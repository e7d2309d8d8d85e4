// Qwen Code in the catalog (free login): endpoint, models, prices (free, $0).
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";

export const QWEN_ENTRY: CatalogEntry = {
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
};
