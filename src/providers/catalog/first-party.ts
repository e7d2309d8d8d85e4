// Catalog entries for the three first-party APIs whose wire formats the gateway speaks (OpenAI, Anthropic, Gemini).
import type { ProviderSpec } from "../types.ts";
import { CLAUDE_API_ONLY_MODELS, CLAUDE_CURRENT_MODELS } from "./claude-models.ts";

export const FIRST_PARTY_PROVIDERS: ProviderSpec[] = [
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
    docsUrl: "https://platform.openai.com/api-keys",
    models: [
      { id: "gpt-5", name: "GPT-5", type: "chat" },
      { id: "gpt-5-mini", name: "GPT-5 mini", type: "chat" },
      { id: "gpt-4.1", name: "GPT-4.1", type: "chat", reasoning: false },
      { id: "gpt-4.1-mini", name: "GPT-4.1 mini", type: "chat", reasoning: false },
      { id: "gpt-4o", name: "GPT-4o", type: "chat", reasoning: false },
      { id: "gpt-4o-mini", name: "GPT-4o mini", type: "chat", reasoning: false },
      { id: "o3", name: "o3", type: "chat" },
      { id: "o4-mini", name: "o4-mini", type: "chat" },
      { id: "text-embedding-3-small", name: "Text Embedding 3 Small", type: "embedding" },
      { id: "text-embedding-3-large", name: "Text Embedding 3 Large", type: "embedding" },
      { id: "gpt-image-1", name: "GPT Image 1", type: "image" },
      { id: "dall-e-3", name: "DALL·E 3", type: "image" },
      { id: "whisper-1", name: "Whisper", type: "audio" },
      { id: "gpt-4o-transcribe", name: "GPT-4o Transcribe", type: "audio" },
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
    headers: { "anthropic-version": "2023-06-01" },
    docsUrl: "https://console.anthropic.com/settings/keys",
    models: [...CLAUDE_CURRENT_MODELS, ...CLAUDE_API_ONLY_MODELS],
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
    docsUrl: "https://aistudio.google.com/apikey",
    models: [
      { id: "gemini-3-pro-preview", name: "Gemini 3 Pro (preview)", type: "chat" },
      { id: "gemini-3-flash-preview", name: "Gemini 3 Flash (preview)", type: "chat", aliases: ["gemini-3-flash"] },
      { id: "gemini-2.5-pro", name: "Gemini 2.5 Pro", type: "chat" },
      { id: "gemini-2.5-flash", name: "Gemini 2.5 Flash", type: "chat" },
      { id: "gemini-2.5-flash-lite", name: "Gemini 2.5 Flash-Lite", type: "chat" },
      { id: "gemini-embedding-001", name: "Gemini Embedding", type: "embedding" },
      { id: "text-embedding-004", name: "Text Embedding 004", type: "embedding" },
      { id: "gemini-2.5-flash-image", name: "Gemini 2.5 Flash Image", type: "image" },
    ],
  },
];
