// Claude models, shared by the Anthropic API provider and the Claude Code subscription (the same models behind an
// API key or an OAuth token). maxOutputTokens: "Max output" in Anthropic's models overview
// (platform.claude.com/docs/en/about-claude/models/overview).
import type { CatalogModel } from "../types.ts";

/** The current models, which a Claude Pro/Max subscription serves. */
export const CLAUDE_CURRENT_MODELS: CatalogModel[] = [
  // platform.claude.com/docs/en/models/opus-5/overview: "Model ID: claude-opus-5", 1M context, 128K output.
  { id: "claude-opus-5", name: "Claude Opus 5", type: "chat", maxOutputTokens: 128_000 },
  { id: "claude-opus-4-6", name: "Claude Opus 4.6", type: "chat", maxOutputTokens: 128_000 },
  { id: "claude-opus-4-5-20251101", name: "Claude Opus 4.5", type: "chat", maxOutputTokens: 64_000 },
  { id: "claude-sonnet-4-5-20250929", name: "Claude Sonnet 4.5", type: "chat", maxOutputTokens: 64_000 },
  { id: "claude-haiku-4-5-20251001", name: "Claude Haiku 4.5", type: "chat", maxOutputTokens: 64_000 },
];

/** Older models the API still serves. */
export const CLAUDE_API_ONLY_MODELS: CatalogModel[] = [
  { id: "claude-opus-4-1-20250805", name: "Claude Opus 4.1", type: "chat", maxOutputTokens: 32_000 },
  { id: "claude-sonnet-4-20250514", name: "Claude Sonnet 4", type: "chat", maxOutputTokens: 64_000 },
];
