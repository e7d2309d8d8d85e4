// The Gemini fast path: the body passes as is (model and streaming live in the URL); usage is cumulative per chunk.
import type { GatewayError } from "../../canonical/errors.ts";
import { sseFrame } from "../../canonical/sse.ts";
import type { Passthrough } from "../types.ts";
import { encodeGeminiError } from "./errors.ts";
import { decodeFinishReason } from "./stop-reason.ts";
import { decodeUsage } from "./usage.ts";
import { isRecord } from "./wire.ts";

export const geminiPassthrough: Passthrough = {
  temperature(body) {
    const config = body.generationConfig;
    const t = typeof config === "object" && config !== null ? (config as Record<string, unknown>).temperature : undefined;
    return typeof t === "number" ? t : undefined;
  },
  // @google/genai reads only frames that start with "data:", so a frame that starts with "event:" is skipped.
  progressFrame: (p) =>
    `event: progress\ndata: ${JSON.stringify({ omniroute_progress: { tokens: p.tokens, elapsed_ms: p.elapsedMs } })}\n\n`,
  forwardBody(body) {
    // The model is in the URL; a `model` in the body would name the client's alias, not the upstream's.
    const { model: _model, ...rest } = body;
    return { body: rest, addedUsageFrame: false };
  },
  frameUsage(data) {
    // Every chunk repeats the running totals, so the latest frame's usage is the whole usage so far.
    return isRecord(data) ? decodeUsage(data.usageMetadata) : undefined;
  },
  isUsageOnlyFrame() {
    return false;
  },
  // Every chunk carries usageMetadata, so the tap parses the last one, which has the finishReason.
  frameFinish: (data) => candidateFinish(data),
  responseFinish: (body) => candidateFinish(body),
  streamMarkers: ['"usageMetadata":{', '"usageMetadata": {', '"finishReason"'],
  isErrorFrame(data) {
    return isRecord(data) && isRecord(data.error);
  },
  streamErrorFrames(err: GatewayError) {
    return sseFrame(JSON.stringify(encodeGeminiError(err)));
  },
  responseUsage(body) {
    return isRecord(body) ? decodeUsage(body.usageMetadata) : undefined;
  },
};

/** The first candidate's finishReason, in a stream chunk or a whole answer (absent until the last chunk). */
function candidateFinish(data: unknown) {
  if (!isRecord(data) || !Array.isArray(data.candidates)) return undefined;
  const candidate = data.candidates[0];
  if (!isRecord(candidate) || typeof candidate.finishReason !== "string") return undefined;
  const parts = isRecord(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
  return decodeFinishReason(
    candidate.finishReason,
    parts.some((p) => isRecord(p) && p.functionCall !== undefined),
  );
}
