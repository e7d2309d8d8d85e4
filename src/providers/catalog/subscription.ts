// Catalog entries for providers reached through a paid subscription's OAuth login (Claude, Codex, Gemini CLI, Copilot):
// flat-rate, $0 per token at the margin.
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";
import { claudeSubscriptionModels } from "./claude-models.ts";

export const SUBSCRIPTION_PROVIDERS: CatalogEntry[] = [
  {
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
  },
  {
    id: "codex",
    alias: "cx",
    name: "OpenAI Codex",
    format: "responses",
    authType: "oauth",
    authHeader: "bearer",
    // The ChatGPT backend the Codex CLI uses when logged in with ChatGPT; requests go to `<base>/responses`
    // and also need a per-account `chatgpt-account-id` header (set by the OAuth adapter, not here).
    baseUrl: "https://chatgpt.com/backend-api/codex",
    tier: "subscription",
    // ChatGPT Plus/Pro: Codex usage is included in the plan's limits.
    billing: "flat-rate",
    headers: { "OpenAI-Beta": "responses=experimental", originator: "codex_cli_rs" },
    docsUrl: "https://chatgpt.com/pricing",
    models: [
      { id: "gpt-5.2-codex", name: "GPT-5.2 Codex", type: "chat", price: ZERO_PRICE },
      { id: "gpt-5.2", name: "GPT-5.2", type: "chat", price: ZERO_PRICE },
      { id: "gpt-5.1-codex-max", name: "GPT-5.1 Codex Max", type: "chat", price: ZERO_PRICE },
      { id: "gpt-5.1-codex", name: "GPT-5.1 Codex", type: "chat", price: ZERO_PRICE },
      { id: "gpt-5.1-codex-mini", name: "GPT-5.1 Codex Mini", type: "chat", price: ZERO_PRICE },
    ],
  },
  {
    id: "gemini-cli",
    alias: "gc",
    name: "Gemini CLI",
    format: "gemini",
    authType: "oauth",
    authHeader: "bearer",
    // Google's Code Assist backend: `POST <base>/v1internal:streamGenerateContent?alt=sse` with the Gemini body
    // wrapped as `{ model, project, request }`; the adapter builds that URL and wrapper, not the gemini format.
    baseUrl: "https://cloudcode-pa.googleapis.com",
    tier: "subscription",
    // A personal Google login is free of charge within daily quotas; Code Assist Standard/Enterprise is a subscription.
    billing: "flat-rate",
    docsUrl: "https://github.com/google-gemini/gemini-cli",
    models: [
      { id: "gemini-3-pro-preview", name: "Gemini 3 Pro (preview)", type: "chat", price: ZERO_PRICE },
      { id: "gemini-3-flash-preview", name: "Gemini 3 Flash (preview)", type: "chat", aliases: ["gemini-3-flash"], price: ZERO_PRICE },
      { id: "gemini-2.5-pro", name: "Gemini 2.5 Pro", type: "chat", price: ZERO_PRICE },
      { id: "gemini-2.5-flash", name: "Gemini 2.5 Flash", type: "chat", price: ZERO_PRICE },
      { id: "gemini-2.5-flash-lite", name: "Gemini 2.5 Flash-Lite", type: "chat", price: ZERO_PRICE },
    ],
  },
  {
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
  },
];
