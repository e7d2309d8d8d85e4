// What an image adapter takes and gives: the client's OpenAI request, parsed, and images or a pass-through body.
import type { Usage } from "../../canonical/usage.ts";
import type { AdapterResult, MediaUpstream } from "../media-call.ts";

export interface ImagesRequest {
  /** The client's body as sent (OpenAI-compatible upstreams take it as is, with the model replaced). */
  body: Record<string, unknown>;
  prompt: string;
  /** How many images; OpenAI's default is 1. */
  n: number;
  /** `WIDTHxHEIGHT` or "auto", as OpenAI takes it. */
  size?: string;
  responseFormat?: "url" | "b64_json";
}

export type ImagesAnswer =
  /** An OpenAI-shaped body from the upstream, kept as it came. */
  | { kind: "openai"; body: Record<string, unknown>; usage?: Partial<Usage> }
  /** Images translated from another API, as base64 image files. */
  | { kind: "images"; images: Array<{ b64: string; mimeType: string }>; dropped: string[] };

export interface ImagesAdapter {
  generate(req: ImagesRequest, upstream: MediaUpstream): Promise<AdapterResult<ImagesAnswer>>;
}
