// Default pricing for the first-party APIs (OpenAI, Anthropic, Gemini), USD per 1M tokens at standard (non-batch) rates.
import { ZERO_PRICE, type ProviderPricing } from "./types.ts";

export const FIRST_PARTY_PRICING: Record<string, ProviderPricing> = {
  openai: {
    billing: "metered",
    models: {
      "gpt-5": { input: 1.25, cached: 0.125, output: 10 },
      "gpt-5-mini": { input: 0.25, cached: 0.025, output: 2 },
      "gpt-4.1": { input: 2, cached: 0.5, output: 8 },
      "gpt-4.1-mini": { input: 0.4, cached: 0.1, output: 1.6 },
      "gpt-4o": { input: 2.5, cached: 1.25, output: 10 },
      "gpt-4o-mini": { input: 0.15, cached: 0.075, output: 0.6 },
      "o3": { input: 2, cached: 0.5, output: 8 }, // cached unverified
      "o4-mini": { input: 1.1, cached: 0.275, output: 4.4 }, // cached unverified
      "text-embedding-3-small": { input: 0.02, output: 0 },
      "text-embedding-3-large": { input: 0.13, output: 0 },
      // Token-priced: text input $5 (cached $1.25), image output $40; image input tokens are $10, billed here at $5.
      "gpt-image-1": { input: 5, cached: 1.25, output: 40 },
      "dall-e-3": ZERO_PRICE, // priced per image; see images endpoint
      "whisper-1": ZERO_PRICE, // priced per minute of audio; see transcription endpoint
      // Audio input tokens $6, text prompt tokens $2.50 (billed here at the audio rate), text output $10.
      "gpt-4o-transcribe": { input: 6, output: 10 },
    },
  },
  // cacheWrite is the 5-minute write price (1.25x input); 1-hour writes cost 2x input.
  anthropic: {
    billing: "metered",
    models: {
      "claude-opus-5": { input: 5, cached: 0.5, cacheWrite: 6.25, output: 25 },
      "claude-opus-4-6": { input: 5, cached: 0.5, cacheWrite: 6.25, output: 25 },
      "claude-opus-4-5-20251101": { input: 5, cached: 0.5, cacheWrite: 6.25, output: 25 },
      "claude-sonnet-4-5-20250929": { input: 3, cached: 0.3, cacheWrite: 3.75, output: 15 },
      "claude-haiku-4-5-20251001": { input: 1, cached: 0.1, cacheWrite: 1.25, output: 5 },
      "claude-opus-4-1-20250805": { input: 15, cached: 1.5, cacheWrite: 18.75, output: 75 },
      "claude-sonnet-4-20250514": { input: 3, cached: 0.3, cacheWrite: 3.75, output: 15 },
    },
  },
  // Paid-tier prices for prompts up to 200k tokens (Pro models cost more above that); thinking tokens bill as output.
  gemini: {
    billing: "metered",
    models: {
      "gemini-3-pro-preview": { input: 2, cached: 0.2, output: 12 }, // cached unverified
      "gemini-3-flash-preview": { input: 0.5, cached: 0.05, output: 3 },
      "gemini-2.5-pro": { input: 1.25, cached: 0.125, output: 10 },
      "gemini-2.5-flash": { input: 0.3, cached: 0.03, output: 2.5 }, // cached unverified
      "gemini-2.5-flash-lite": { input: 0.1, cached: 0.01, output: 0.4 }, // cached unverified
      "gemini-embedding-001": { input: 0.15, output: 0 },
      "text-embedding-004": ZERO_PRICE, // listed free of charge; unverified
      // Image output tokens at $30 per 1M (1290 tokens per 1024x1024 image = $0.039).
      "gemini-2.5-flash-image": { input: 0.3, output: 30 },
    },
  },
};
