// OpenAI Codex in the catalog (ChatGPT Plus/Pro subscription): endpoint, models, prices (flat-rate, $0 per token).
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";

export const CODEX_ENTRY: CatalogEntry = {
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
};
