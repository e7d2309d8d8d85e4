// What an embeddings adapter takes and gives: the client's OpenAI request, parsed, and vectors or a pass-through body.
import type { AdapterResult, MediaUpstream } from "../media-call.ts";

export interface EmbeddingsRequest {
  /** The client's body as sent (OpenAI-compatible upstreams take it as is, with the model replaced). */
  body: Record<string, unknown>;
  /** The inputs, one per embedding: texts, or token arrays. */
  input: { kind: "text"; texts: string[] } | { kind: "tokens"; tokens: number[][] };
  /** What the client wants back; OpenAI's default is "float". */
  encodingFormat: "float" | "base64";
  dimensions?: number;
}

export type EmbeddingsAnswer =
  /** An OpenAI-shaped body from the upstream, kept as it came (its encoding is fixed up by the endpoint). */
  | { kind: "openai"; body: Record<string, unknown>; promptTokens?: number }
  /** Float vectors translated from another API, in input order. */
  | { kind: "vectors"; vectors: number[][]; promptTokens: number; estimated: boolean; dropped: string[] };

export interface EmbeddingsAdapter {
  embed(req: EmbeddingsRequest, upstream: MediaUpstream): Promise<AdapterResult<EmbeddingsAnswer>>;
}
