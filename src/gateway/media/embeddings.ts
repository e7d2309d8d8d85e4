// POST /v1/embeddings: an OpenAI embeddings request, served by any provider with an embeddings API, answered as OpenAI's.
import { GatewayError } from "../../canonical/errors.ts";
import { assertNever } from "../../canonical/response.ts";
import { floatsToBase64, base64ToFloats } from "../../providers/embeddings/base64.ts";
import { EMBEDDINGS_ADAPTERS, type EmbeddingsAnswer, type EmbeddingsRequest } from "../../providers/embeddings/index.ts";
import { isRecord } from "../../providers/media-call.ts";
import { embeddingsApiOf } from "../../providers/media.ts";
import type { Target } from "../../routing/resolve.ts";
import type { Services } from "../../services.ts";
import { estimateCost } from "../../usage/estimate.ts";
import type { MediaBase, MediaCall, MediaKind, MediaReply } from "./serve.ts";

export const EMBEDDINGS: MediaKind = {
  type: "embedding",
  route: "POST /v1/embeddings",
  wants: 'an embedding model such as "openai/text-embedding-3-small"',
};

const isTokens = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((n) => Number.isInteger(n));

/** OpenAI's input: a string, an array of strings, an array of token ids, or an array of token arrays. */
function parseInput(input: unknown): EmbeddingsRequest["input"] {
  const bad = (why: string) =>
    new GatewayError("invalid_request", `\`input\` ${why}. Send a string, an array of strings, or token arrays.`, { param: "input" });
  if (typeof input === "string") {
    if (!input) throw bad("is an empty string");
    return { kind: "text", texts: [input] };
  }
  if (!Array.isArray(input) || input.length === 0) throw bad(input === undefined ? "is missing" : "must be a non-empty string or array");
  if (input.every((v) => typeof v === "string")) {
    if (input.some((v) => v === "")) throw bad("contains an empty string");
    return { kind: "text", texts: input as string[] };
  }
  if (isTokens(input)) return { kind: "tokens", tokens: [input] };
  if (input.every(isTokens)) return { kind: "tokens", tokens: input as number[][] };
  throw bad("mixes kinds or holds something other than strings and integer token ids");
}

export function parseEmbeddingsBody(body: Record<string, unknown>): EmbeddingsRequest {
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    throw new GatewayError("invalid_request", '`encoding_format` must be "float" or "base64".', { param: "encoding_format" });
  }
  const dimensions = body.dimensions;
  if (dimensions !== undefined && !(Number.isInteger(dimensions) && (dimensions as number) > 0)) {
    throw new GatewayError("invalid_request", "`dimensions` must be a positive integer.", { param: "dimensions" });
  }
  if (body.user !== undefined && typeof body.user !== "string")
    throw new GatewayError("invalid_request", "`user` must be a string.", { param: "user" });
  return { body, input: parseInput(body.input), encodingFormat: format, dimensions: dimensions as number | undefined };
}

/** An embedding as the client asked for it, whichever way the upstream sent it. */
function encoded(embedding: unknown, format: "float" | "base64"): unknown {
  if (format === "base64" && Array.isArray(embedding)) return floatsToBase64(embedding as number[]);
  if (format === "float" && typeof embedding === "string") return base64ToFloats(embedding);
  return embedding;
}

function reply(req: EmbeddingsRequest, answer: EmbeddingsAnswer, target: Target): MediaReply {
  switch (answer.kind) {
    case "openai": {
      const data = (answer.body.data as unknown[]).map((d) =>
        isRecord(d) ? { ...d, embedding: encoded(d.embedding, req.encodingFormat) } : d,
      );
      return { response: Response.json({ ...answer.body, data }), usage: { inputTokens: answer.promptTokens ?? 0 } };
    }
    case "vectors": {
      const body = {
        object: "list",
        data: answer.vectors.map((v, index) => ({ object: "embedding", index, embedding: encoded(v, req.encodingFormat) })),
        model: target.label,
        usage: { prompt_tokens: answer.promptTokens, total_tokens: answer.promptTokens },
      };
      const response = Response.json(body);
      // Gemini reports no token count: the usage above is an estimate (about four characters per token).
      if (answer.estimated) response.headers.set("x-omniroute-usage", "estimated");
      return { response, usage: { inputTokens: answer.promptTokens }, dropped: answer.dropped };
    }
    default:
      return assertNever(answer, "embeddings answer");
  }
}

export function embeddingsCall(services: Services, base: MediaBase, body: Record<string, unknown>): MediaCall<EmbeddingsAnswer> {
  const req = parseEmbeddingsBody(body);
  return {
    ...base,
    kind: EMBEDDINGS,
    serves: (spec) => embeddingsApiOf(spec) !== undefined,
    estimate: (target) => estimateCost(services, target, body),
    send: (upstream) => EMBEDDINGS_ADAPTERS[embeddingsApiOf(upstream.spec)!].embed(req, upstream),
    reply: (answer, target) => reply(req, answer, target),
  };
}
