// Claude Code in the catalog (Pro/Max subscription): endpoint, models, prices (flat-rate, $0 per token).
import { claudeSubscriptionModels } from "../catalog/claude-models.ts";
import type { CatalogEntry } from "../types.ts";

export const CLAUDE_CODE_ENTRY: CatalogEntry = {
  id: "claude",
  alias: "cc",
  name: "Claude Code",
  format: "anthropic",
  authType: "oauth",
  // Claude Pro/Max OAuth access tokens travel as `Authorization: Bearer` and need the oauth beta flag.
  authHeader: "bearer",
  baseUrl: "https://api.anthropic.com",
  tier: "subscription",
  // Claude Pro/Max: the subscription fee covers usage within its 5-hour and weekly limits.
  billing: "flat-rate",
  headers: { "anthropic-version": "2023-06-01", "anthropic-beta": "oauth-2025-04-20" },
  docsUrl: "https://claude.ai/upgrade",
  models: claudeSubscriptionModels(),
};
