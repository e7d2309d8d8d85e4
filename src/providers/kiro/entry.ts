// Kiro in the catalog (free login): endpoint, models, prices (free, $0).
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";

export const KIRO_ENTRY: CatalogEntry = {
  id: "kiro",
  alias: "kr",
  name: "Kiro",
  // Canonical target only: upstream is CodeWhisperer's `POST /generateAssistantResponse`, answering in
  // AWS event-stream (binary frames), not SSE; a Kiro adapter must translate both ways.
  format: "anthropic",
  authType: "oauth",
  authHeader: "bearer",
  baseUrl: "https://codewhisperer.us-east-1.amazonaws.com",
  tier: "free",
  billing: "free",
  docsUrl: "https://kiro.dev",
  models: [
    { id: "claude-sonnet-4.5", name: "Claude Sonnet 4.5", type: "chat", price: ZERO_PRICE },
    { id: "claude-haiku-4.5", name: "Claude Haiku 4.5", type: "chat", price: ZERO_PRICE },
    { id: "claude-sonnet-4", name: "Claude Sonnet 4", type: "chat", price: ZERO_PRICE },
  ],
};
