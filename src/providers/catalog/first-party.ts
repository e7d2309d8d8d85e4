// Catalog entries for the three first-party APIs whose wire formats the gateway speaks (OpenAI, Anthropic, Gemini).
// Prices: USD per 1M tokens at standard (non-batch) rates.
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";
import { claudeApiModels } from "./claude-models.ts";

export const FIRST_PARTY_PROVIDERS: CatalogEntry[] = [
  {
    id: "openai",
    alias: "openai",
    name: "OpenAI",
    // Chat Completions so OpenAI-format clients take the pass-through fast path; OpenAI also serves the same
    // models on `/v1/responses` (format "responses") if a custom node wants it.
    format: "openai-chat",
    authType: "api-key",
    authHeader: "bearer",
    baseUrl: "https://api.openai.com/v1",
    tier: "api-key",
    billing: "metered",
    docsUrl: "https://platform.openai.com/api-keys",
    models: [
      { id: "gpt-5", name: "GPT-5", type: "chat", price: { input: 1.25, cached: 0.125, output: 10 } },
      { id: "gpt-5-mini", name: "GPT-5 mini", type: "chat", price: { input: 0.25, cached: 0.025, output: 2 } },
      { id: "gpt-4.1", name: "GPT-4.1", type: "chat", reasoning: false, price: { input: 2, cached: 0.5, output: 8 } },
      { id: "gpt-4.1-mini", name: "GPT-4.1 mini", type: "chat", reasoning: false, price: { input: 0.4, cached: 0.1, output: 1.6 } },
      { id: "gpt-4o", name: "GPT-4o", type: "chat", reasoning: false, price: { input: 2.5, cached: 1.25, output: 10 } },
      { id: "gpt-4o-mini", name: "GPT-4o mini", type: "chat", reasoning: false, price: { input: 0.15, cached: 0.075, output: 0.6 } },
      { id: "o3", name: "o3", type: "chat", price: { input: 2, cached: 0.5, output: 8 } }, // cached unverified
      { id: "o4-mini", name: "o4-mini", type: "chat", price: { input: 1.1, cached: 0.275, output: 4.4 } }, // cached unverified
      { id: "text-embedding-3-small", name: "Text Embedding 3 Small", type: "embedding", price: { input: 0.02, output: 0 } },
      { id: "text-embedding-3-large", name: "Text Embedding 3 Large", type: "embedding", price: { input: 0.13, output: 0 } },
      // Token-priced: text input $5 (cached $1.25), image output $40; image input tokens are $10, billed here at $5.
      { id: "gpt-image-1", name: "GPT Image 1", type: "image", price: { input: 5, cached: 1.25, output: 40 } },
      { id: "dall-e-3", name: "DALL·E 3", type: "image", price: ZERO_PRICE }, // priced per image; see images endpoint
      { id: "whisper-1", name: "Whisper", type: "audio", price: ZERO_PRICE }, // priced per minute of audio; see transcription endpoint
      // Audio input tokens $6, text prompt tokens $2.50 (billed here at the audio rate), text output $10.
      { id: "gpt-4o-transcribe", name: "GPT-4o Transcribe", type: "audio", price: { input: 6, output: 10 } },
    ],
  },
  {
    id: "anthropic",
    alias: "anthropic",
    name: "Anthropic",
    format: "anthropic",
    authType: "api-key",
    authHeader: "x-api-key",
    baseUrl: "https://api.anthropic.com",
    tier: "api-key",
    billing: "metered",
    headers: { "anthropic-version": "2023-06-01" },
    docsUrl: "https://console.anthropic.com/settings/keys",
    // The cacheWrite price is the 5-minute write (see claude-models.ts).
    models: claudeApiModels(),
  },
  {
    id: "gemini",
    alias: "gemini",
    name: "Google Gemini",
    format: "gemini",
    authType: "api-key",
    authHeader: "x-goog-api-key",
    // As @google/genai takes it: no version segment (`/v1beta/models/<model>:...` is appended per call).
    baseUrl: "https://generativelanguage.googleapis.com",
    tier: "api-key",
    // Paid-tier prices for prompts up to 200k tokens (Pro models cost more above that); thinking tokens bill as output.
    billing: "metered",
    docsUrl: "https://aistudio.google.com/apikey",
    models: [
      { id: "gemini-3-pro-preview", name: "Gemini 3 Pro (preview)", type: "chat", price: { input: 2, cached: 0.2, output: 12 } }, // cached unverified
      {
        id: "gemini-3-flash-preview",
        name: "Gemini 3 Flash (preview)",
        type: "chat",
        aliases: ["gemini-3-flash"],
        price: { input: 0.5, cached: 0.05, output: 3 },
      },
      { id: "gemini-2.5-pro", name: "Gemini 2.5 Pro", type: "chat", price: { input: 1.25, cached: 0.125, output: 10 } },
      { id: "gemini-2.5-flash", name: "Gemini 2.5 Flash", type: "chat", price: { input: 0.3, cached: 0.03, output: 2.5 } }, // cached unverified
      { id: "gemini-2.5-flash-lite", name: "Gemini 2.5 Flash-Lite", type: "chat", price: { input: 0.1, cached: 0.01, output: 0.4 } }, // cached unverified
      { id: "gemini-embedding-001", name: "Gemini Embedding", type: "embedding", price: { input: 0.15, output: 0 } },
      { id: "text-embedding-004", name: "Text Embedding 004", type: "embedding", price: ZERO_PRICE }, // listed free of charge; unverified
      // Image output tokens at $30 per 1M (1290 tokens per 1024x1024 image = $0.039).
      { id: "gemini-2.5-flash-image", name: "Gemini 2.5 Flash Image", type: "image", price: { input: 0.3, output: 30 } },
    ],
  },
];
