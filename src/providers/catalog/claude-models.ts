// Claude models, shared by the Anthropic API provider and the Claude Code subscription (the same models behind an
// API key or an OAuth token): ids and limits listed once, priced per provider. maxOutputTokens: "Max output" in
// Anthropic's models overview (platform.claude.com/docs/en/about-claude/models/overview).
import { ZERO_PRICE, type ModelPrice } from "../price.ts";
import type { CatalogModel, PricedModel } from "../types.ts";

interface ClaudeModel extends CatalogModel {
  /**
   * Anthropic's API list price, USD per 1M tokens. cacheWrite is the 5-minute write price (1.25x input); 1-hour
   * writes cost 2x input.
   */
  apiPrice: ModelPrice;
  /** An older model the API still serves and a Claude Pro/Max subscription does not. */
  apiOnly?: true;
}

const CLAUDE_MODELS: readonly ClaudeModel[] = [
  // platform.claude.com/docs/en/models/opus-5/overview: "Model ID: claude-opus-5", 1M context, 128K output.
  {
    id: "claude-opus-5",
    name: "Claude Opus 5",
    type: "chat",
    maxOutputTokens: 128_000,
    apiPrice: { input: 5, cached: 0.5, cacheWrite: 6.25, output: 25 },
  },
  {
    id: "claude-opus-4-6",
    name: "Claude Opus 4.6",
    type: "chat",
    maxOutputTokens: 128_000,
    apiPrice: { input: 5, cached: 0.5, cacheWrite: 6.25, output: 25 },
  },
  {
    id: "claude-opus-4-5-20251101",
    name: "Claude Opus 4.5",
    type: "chat",
    maxOutputTokens: 64_000,
    apiPrice: { input: 5, cached: 0.5, cacheWrite: 6.25, output: 25 },
  },
  {
    id: "claude-sonnet-4-5-20250929",
    name: "Claude Sonnet 4.5",
    type: "chat",
    maxOutputTokens: 64_000,
    apiPrice: { input: 3, cached: 0.3, cacheWrite: 3.75, output: 15 },
  },
  {
    id: "claude-haiku-4-5-20251001",
    name: "Claude Haiku 4.5",
    type: "chat",
    maxOutputTokens: 64_000,
    apiPrice: { input: 1, cached: 0.1, cacheWrite: 1.25, output: 5 },
  },
  {
    id: "claude-opus-4-1-20250805",
    name: "Claude Opus 4.1",
    type: "chat",
    maxOutputTokens: 32_000,
    apiOnly: true,
    apiPrice: { input: 15, cached: 1.5, cacheWrite: 18.75, output: 75 },
  },
  {
    id: "claude-sonnet-4-20250514",
    name: "Claude Sonnet 4",
    type: "chat",
    maxOutputTokens: 64_000,
    apiOnly: true,
    apiPrice: { input: 3, cached: 0.3, cacheWrite: 3.75, output: 15 },
  },
];

function priced({ apiPrice: _, apiOnly: __, ...model }: ClaudeModel, price: ModelPrice): PricedModel {
  return { ...model, price };
}

/** Every Claude model the API serves, at Anthropic's list prices. */
export function claudeApiModels(): PricedModel[] {
  return CLAUDE_MODELS.map((model) => priced(model, model.apiPrice));
}

/** The current models, which a Claude Pro/Max subscription serves: $0 per token, the fee covers them. */
export function claudeSubscriptionModels(): PricedModel[] {
  return CLAUDE_MODELS.filter((model) => !model.apiOnly).map((model) => priced(model, ZERO_PRICE));
}
