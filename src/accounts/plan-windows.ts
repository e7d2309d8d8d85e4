// The plan windows the user guide names for providers that report no usage, counted locally: what each counts and its default limit.
//
// Gemini CLI declares its own (src/providers/gemini-cli/quota.ts). These API-key plans sell tiers whose limits
// differ (Lite/Pro/Max, Starter/Plus/Max), so only a limit the guide states for every plan is a default; an
// account's own plan limit is set on the connection (`limits.quota`), and without one the window is counted
// and shown but never closes the account by itself (the provider's own "usage limit" answer still cools it).
import type { LocalQuotaRule } from "./quota.ts";

export const PLAN_WINDOWS: Record<string, LocalQuotaRule[]> = {
  // "GLM-4.7 … resets daily" (guide); Z.ai's Coding Plan counts prompts, so requests are what is counted.
  glm: [{ name: "daily", unit: "requests" }],
  // "MiniMax M2.1 … rolling 5 hours" (guide; MiniMax: "usage from more than 5 hours ago is released").
  minimax: [{ name: "5h", unit: "requests" }],
  // "Kimi K2 … $9/month flat for 10 million tokens" (guide).
  kimi: [{ name: "monthly", unit: "tokens", limit: 10_000_000 }],
};
