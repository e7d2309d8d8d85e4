// The Gemini fast path: the body passes as is (model and streaming live in the URL); usage is cumulative per chunk.
import type { GatewayError } from "../../canonical/errors.ts";
import { sseFrame } from "../../canonical/sse.ts";
import type { Passthrough } from "../types.ts";
import { encodeGeminiError } from "./errors.ts";
import { decodeUsage } from "./usage.ts";
import { isRecord } from "./wire.ts";

export const geminiPassthrough: Passthrough = {
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
