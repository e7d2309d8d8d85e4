// Which non-chat API a provider serves: its catalog entry's `media`, else what its chat format implies.
import type { EmbeddingsApi, ImagesApi, ProviderSpec, TranscriptionApi } from "./types.ts";

/** OpenAI-format providers serve OpenAI's media endpoints beside chat; Gemini serves embeddings its own way. */
export function embeddingsApiOf(spec: ProviderSpec): EmbeddingsApi | undefined {
  const own = spec.media?.embeddings;
  if (own) return own === "none" ? undefined : own;
  if (spec.format === "openai-chat" || spec.format === "responses") return "openai";
  if (spec.format === "gemini") return "gemini";
  return undefined;
}

export function imagesApiOf(spec: ProviderSpec): ImagesApi | undefined {
  const own = spec.media?.images;
  if (own) return own === "none" ? undefined : own;
  return spec.format === "openai-chat" || spec.format === "responses" ? "openai" : undefined;
}

export function transcriptionApiOf(spec: ProviderSpec): TranscriptionApi | undefined {
  const own = spec.media?.transcription;
  if (own) return own === "none" ? undefined : own;
  return spec.format === "openai-chat" || spec.format === "responses" ? "openai" : undefined;
}
