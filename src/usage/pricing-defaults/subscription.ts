// Default pricing for subscription logins (Claude Code, Codex, Gemini CLI, Copilot): flat-rate, $0 per token at the margin.
import { ZERO_PRICE, type ProviderPricing } from "./types.ts";

export const SUBSCRIPTION_PRICING: Record<string, ProviderPricing> = {
  // Claude Pro/Max: the subscription fee covers usage within its 5-hour and weekly limits.
  claude: {
    billing: "flat-rate",
    models: {
      "claude-opus-5": ZERO_PRICE,
      "claude-opus-4-6": ZERO_PRICE,
      "claude-opus-4-5-20251101": ZERO_PRICE,
      "claude-sonnet-4-5-20250929": ZERO_PRICE,
      "claude-haiku-4-5-20251001": ZERO_PRICE,
    },
  },
  // ChatGPT Plus/Pro: Codex usage is included in the plan's limits.
  codex: {
    billing: "flat-rate",
    models: {
      "gpt-5.2-codex": ZERO_PRICE,
      "gpt-5.2": ZERO_PRICE,
      "gpt-5.1-codex-max": ZERO_PRICE,
      "gpt-5.1-codex": ZERO_PRICE,
      "gpt-5.1-codex-mini": ZERO_PRICE,
    },
  },
  // A personal Google login is free of charge within daily quotas; Code Assist Standard/Enterprise is a subscription.
  "gemini-cli": {
    billing: "flat-rate",
    models: {
      "gemini-3-pro-preview": ZERO_PRICE,
      "gemini-3-flash-preview": ZERO_PRICE,
      "gemini-2.5-pro": ZERO_PRICE,
      "gemini-2.5-flash": ZERO_PRICE,
      "gemini-2.5-flash-lite": ZERO_PRICE,
    },
  },
  // Copilot Pro/Business: premium-request allowances are monthly; overage billing is not modelled per token.
  github: {
    billing: "flat-rate",
    models: {
      "gpt-5": ZERO_PRICE,
      "gpt-5-mini": ZERO_PRICE,
      "gpt-5.1-codex": ZERO_PRICE,
      "gpt-4.1": ZERO_PRICE,
      "claude-4.5-sonnet": ZERO_PRICE,
      "claude-sonnet-4.5": ZERO_PRICE,
      "claude-haiku-4.5": ZERO_PRICE,
      "gemini-3-pro": ZERO_PRICE,
      "gemini-3-pro-preview": ZERO_PRICE,
      "gemini-2.5-pro": ZERO_PRICE,
      "grok-code-fast-1": ZERO_PRICE,
    },
  },
};
