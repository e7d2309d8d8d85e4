// Default pricing for free OAuth logins (Qwen Code, Kiro, iFlow): $0.
import { ZERO_PRICE, type ProviderPricing } from "./types.ts";

export const FREE_PRICING: Record<string, ProviderPricing> = {
  qwen: {
    billing: "free",
    models: {
      "qwen3-coder-plus": ZERO_PRICE,
      "qwen3-coder-flash": ZERO_PRICE,
      "vision-model": ZERO_PRICE,
    },
  },
  kiro: {
    billing: "free",
    models: {
      "claude-sonnet-4.5": ZERO_PRICE,
      "claude-haiku-4.5": ZERO_PRICE,
      "claude-sonnet-4": ZERO_PRICE,
    },
  },
  iflow: {
    billing: "free",
    models: {
      "kimi-k2-thinking": ZERO_PRICE,
      "kimi-k2-0905": ZERO_PRICE,
      "qwen3-coder-plus": ZERO_PRICE,
      "qwen3-max": ZERO_PRICE,
      "glm-4.7": ZERO_PRICE,
      "minimax-m2": ZERO_PRICE,
      "minimax-m2.1": ZERO_PRICE,
      "deepseek-r1": ZERO_PRICE,
      "deepseek-v3.2": ZERO_PRICE,
      "iflow-rome-30ba3b": ZERO_PRICE,
    },
  },
};
