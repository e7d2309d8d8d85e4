// The embeddings adapter for each embeddings API a provider may serve.
import type { EmbeddingsApi } from "../types.ts";
import { geminiEmbeddings } from "./gemini.ts";
import { openaiEmbeddings } from "./openai.ts";
import type { EmbeddingsAdapter } from "./types.ts";

export const EMBEDDINGS_ADAPTERS: Record<EmbeddingsApi, EmbeddingsAdapter> = {
  openai: openaiEmbeddings,
  gemini: geminiEmbeddings,
};

export type { EmbeddingsAdapter, EmbeddingsAnswer, EmbeddingsRequest } from "./types.ts";
