// The client's wire format named by a usage row's endpoint, for the `format` label of metrics and the access line.
import type { FormatId } from "../formats/types.ts";

/** A chat format, or the OpenAI media API a media endpoint speaks. */
export type ClientFormat = FormatId | "openai-embeddings" | "openai-images" | "openai-transcriptions" | "other";

const BY_ENDPOINT: Record<string, ClientFormat> = {
  "chat.completions": "openai-chat",
  messages: "anthropic",
  responses: "responses",
  "gemini.generateContent": "gemini",
  "gemini.streamGenerateContent": "gemini",
  embeddings: "openai-embeddings",
  "images.generations": "openai-images",
  "audio.transcriptions": "openai-transcriptions",
};

/** "providers.chat.completions" speaks what "chat.completions" does; an endpoint not listed is "other". */
export function formatOfEndpoint(endpoint: string): ClientFormat {
  return BY_ENDPOINT[endpoint.startsWith("providers.") ? endpoint.slice("providers.".length) : endpoint] ?? "other";
}
