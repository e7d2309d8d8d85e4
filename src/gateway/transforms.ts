// Settings > AI applied to every request: a global system prompt, and a default thinking budget where the client set none.
import type { CanonicalRequest } from "../canonical/request.ts";
import type { Settings } from "../settings/schema.ts";

/** True when a request must go through the canonical model even if client and upstream share a format. */
export function hasTransforms(settings: Settings): boolean {
  return settings.systemPrompt.trim().length > 0 || settings.thinkingBudget > 0;
}

export function applyTransforms(req: CanonicalRequest, settings: Settings): CanonicalRequest {
  let out = req;
  const prompt = settings.systemPrompt.trim();
  if (prompt) {
    out = { ...out, messages: [{ role: "system", content: [{ type: "text", text: prompt }] }, ...out.messages] };
  }
  if (settings.thinkingBudget > 0 && !out.reasoning) {
    out = { ...out, reasoning: { enabled: true, budgetTokens: settings.thinkingBudget } };
  }
  return out;
}
