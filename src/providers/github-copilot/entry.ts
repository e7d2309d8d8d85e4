// GitHub Copilot in the catalog (subscription): endpoint, models, prices (flat-rate, $0 per token).
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";

export const GITHUB_COPILOT_ENTRY: CatalogEntry = {
  id: "github",
  alias: "gh",
  name: "GitHub Copilot",
  format: "openai-chat",
  authType: "oauth",
  // The GitHub OAuth token is exchanged for a short-lived Copilot token (adapter's job), sent as Bearer.
  authHeader: "bearer",
  baseUrl: "https://api.githubcopilot.com",
  tier: "subscription",
  // Copilot Pro/Business: premium-request allowances are monthly; overage billing is not modelled per token.
  billing: "flat-rate",
  // Headers as the VS Code Copilot client sends them; unverified which of them the API strictly requires.
  headers: { "Copilot-Integration-Id": "vscode-chat", "Editor-Version": "vscode/1.99.0" },
  docsUrl: "https://github.com/features/copilot",
  models: [
    { id: "gpt-5", name: "GPT-5", type: "chat", price: ZERO_PRICE },
    { id: "gpt-5-mini", name: "GPT-5 mini", type: "chat", price: ZERO_PRICE },
    // Copilot serves the Codex models only on its /responses endpoint (unverified).
    { id: "gpt-5.1-codex", name: "GPT-5.1 Codex", type: "chat", price: ZERO_PRICE },
    { id: "gpt-4.1", name: "GPT-4.1", type: "chat", reasoning: false, price: ZERO_PRICE },
    // The user guide's name; Copilot's own model list calls it `claude-sonnet-4.5` (unverified that both work).
    { id: "claude-4.5-sonnet", name: "Claude Sonnet 4.5", type: "chat", price: ZERO_PRICE },
    { id: "claude-sonnet-4.5", name: "Claude Sonnet 4.5", type: "chat", price: ZERO_PRICE },
    { id: "claude-haiku-4.5", name: "Claude Haiku 4.5", type: "chat", price: ZERO_PRICE },
    // The user guide's name; Copilot's own model list calls it `gemini-3-pro-preview` (unverified that both work).
    { id: "gemini-3-pro", name: "Gemini 3 Pro", type: "chat", price: ZERO_PRICE },
    { id: "gemini-3-pro-preview", name: "Gemini 3 Pro (preview)", type: "chat", price: ZERO_PRICE },
    { id: "gemini-2.5-pro", name: "Gemini 2.5 Pro", type: "chat", price: ZERO_PRICE },
    { id: "grok-code-fast-1", name: "Grok Code Fast 1", type: "chat", price: ZERO_PRICE },
  ],
};
