// Gemini `:streamGenerateContent?alt=sse` chunks as canonical events, yielded as each chunk arrives.
//
// Every `data:` frame is a whole GenerateContentResponse. Text and thoughts arrive as pieces; a
// functionCall arrives whole, so it becomes tool-call-start, one tool-args-delta with all its JSON,
// and tool-call-end. usageMetadata is cumulative: the latest one wins and rides on `finish`.
// An `{"error":...}` frame, or a stream that ends before any finishReason, becomes an `error` event.
import { GatewayError } from "../../canonical/errors.ts";
import { assertNever, type CanonicalEvent } from "../../canonical/response.ts";
import type { SseEvent } from "../../canonical/sse.ts";
import type { Usage } from "../../canonical/usage.ts";
import { errorFromChunk } from "./errors.ts";
import { candidateFinish, candidateParts, decodeOutputPart } from "./response.ts";
import { decodeFinishReason } from "./stop-reason.ts";
import { decodeUsage } from "./usage.ts";
import { isRecord, newResponseId, str } from "./wire.ts";

export async function* decodeGeminiStream(events: AsyncIterable<SseEvent>): AsyncGenerator<CanonicalEvent> {
  let started = false;
  let finished = false;
  let toolIndex = 0;
  let usage: Partial<Usage> | undefined;

  for await (const event of events) {
    const data = event.data.trim();
    if (data === "" || data === "[DONE]") continue;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      yield { type: "error", error: new GatewayError("upstream", `Gemini sent a stream frame that is not JSON: ${data.slice(0, 200)}`) };
      return;
    }
    const error = errorFromChunk(chunk);
    if (error) {
      yield { type: "error", error };
      return;
    }
    if (!isRecord(chunk)) continue;

    const chunkUsage = decodeUsage(chunk.usageMetadata);
    if (chunkUsage) usage = chunkUsage;
    if (!started) {
      started = true;
      yield {
        type: "start",
        id: str(chunk.responseId) ?? newResponseId(),
        model: str(chunk.modelVersion) ?? "",
        created: Math.floor(Date.now() / 1000),
        ...(usage ? { usage: { inputTokens: usage.inputTokens, cacheReadTokens: usage.cacheReadTokens } } : {}),
      };
    }
    if (finished) {
      if (chunkUsage) yield { type: "usage", usage: chunkUsage };
      continue;
    }

    for (const raw of candidateParts(chunk)) {
      const part = decodeOutputPart(raw);
      if (!part) continue;
      switch (part.type) {
        case "text":
          yield { type: "text-delta", text: part.text };
          break;
        case "thinking":
          if (part.text) yield { type: "reasoning-delta", text: part.text };
          if (part.signature) yield { type: "reasoning-signature", signature: part.signature };
          break;
        case "tool-call": {
          const index = toolIndex++;
          yield { type: "tool-call-start", index, id: part.id, name: part.name, ...(part.signature ? { signature: part.signature } : {}) };
          yield { type: "tool-args-delta", index, delta: part.arguments };
          yield { type: "tool-call-end", index };
          break;
        }
        case "redacted-thinking":
          break;
        default:
          assertNever(part, "output part");
      }
    }

    const finish = candidateFinish(chunk);
    if (finish) {
      finished = true;
      yield { type: "finish", reason: decodeFinishReason(finish, toolIndex > 0), ...(usage ? { usage } : {}) };
    }
  }
  if (!finished) {
    yield { type: "error", error: new GatewayError("upstream", "The Gemini stream ended before a finishReason") };
  }
}
