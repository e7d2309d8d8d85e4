// Gemini CLI in the catalog (Google login): endpoint, models, prices (flat-rate, $0 per token).
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";

export const GEMINI_CLI_ENTRY: CatalogEntry = {
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
};
