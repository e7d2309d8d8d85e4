// Gemini `:streamGenerateContent?alt=sse` chunks as canonical events: a push decoder fed one chunk at a time, and decodeStream over it.
//
// Every `data:` frame is a whole GenerateContentResponse. Text and thoughts arrive as pieces; a
// functionCall arrives whole, so it becomes tool-call-start, one tool-args-delta with all its JSON,
// and tool-call-end. usageMetadata is cumulative: the latest one wins and rides on `finish`.
// An `{"error":...}` frame, or a stream that ends before any finishReason, becomes an `error` event. After the
// finish the stream is read on (not `done`): later chunks may still carry usage.
import { GatewayError } from "../../canonical/errors.ts";
import { assertNever, type CanonicalEvent } from "../../canonical/response.ts";
import type { SseEvent } from "../../canonical/sse.ts";
import { decodeStreamWith } from "../stream-codecs.ts";
import type { StreamDecoder } from "../types.ts";
import type { Usage } from "../../canonical/usage.ts";
import { errorFromChunk } from "./errors.ts";
import { candidateFinish, candidateParts, decodeOutputPart } from "./response.ts";
import { decodeFinishReason } from "./stop-reason.ts";
import { decodeUsage } from "./usage.ts";
import { isRecord, newResponseId, str } from "./wire.ts";

/** What push returns for a chunk that makes no event (never mutated: callers only read it). */
const NOTHING: CanonicalEvent[] = [];

/** One stream's state between chunks: started, finished, tool calls so far, the latest usage. */
class GeminiStreamDecoder implements StreamDecoder {
  done = false;
  private started = false;
  private finished = false;
  private toolIndex = 0;
  private usage: Partial<Usage> | undefined;

  push(event: SseEvent): CanonicalEvent[] {
    if (this.done) return NOTHING;
    const data = event.data.trim();
    if (data === "" || data === "[DONE]") return NOTHING;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return this.fail(new GatewayError("upstream", `Gemini sent a stream frame that is not JSON: ${data.slice(0, 200)}`));
    }
    const error = errorFromChunk(chunk);
    if (error) return this.fail(error);
    if (!isRecord(chunk)) return NOTHING;

    const chunkUsage = decodeUsage(chunk.usageMetadata);
    if (chunkUsage) this.usage = chunkUsage;
    const usage = this.usage;
    const out: CanonicalEvent[] = [];
    if (!this.started) {
      this.started = true;
      out.push({
        type: "start",
        id: str(chunk.responseId) ?? newResponseId(),
        model: str(chunk.modelVersion) ?? "",
        created: Math.floor(Date.now() / 1000),
        ...(usage ? { usage: { inputTokens: usage.inputTokens, cacheReadTokens: usage.cacheReadTokens } } : {}),
      });
    }
    if (this.finished) {
      if (chunkUsage) out.push({ type: "usage", usage: chunkUsage });
      return out;
    }

    for (const raw of candidateParts(chunk)) {
      const part = decodeOutputPart(raw);
      if (!part) continue;
      switch (part.type) {
        case "text":
          out.push({ type: "text-delta", text: part.text });
          break;
        case "thinking":
          if (part.text) out.push({ type: "reasoning-delta", text: part.text });
          if (part.signature) out.push({ type: "reasoning-signature", signature: part.signature });
          break;
        case "tool-call": {
          const index = this.toolIndex++;
          out.push(
            { type: "tool-call-start", index, id: part.id, name: part.name, ...(part.signature ? { signature: part.signature } : {}) },
            { type: "tool-args-delta", index, delta: part.arguments },
            { type: "tool-call-end", index },
          );
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
      this.finished = true;
      out.push({ type: "finish", reason: decodeFinishReason(finish, this.toolIndex > 0), ...(usage ? { usage } : {}) });
    }
    return out;
  }

  /** An error decoded is the stream's last event (end() adds nothing after it). */
  private fail(error: GatewayError): CanonicalEvent[] {
    this.done = true;
    this.finished = true;
    return [{ type: "error", error }];
  }

  /** The events ended: an error when no finishReason came (nor an error event). */
  end(): CanonicalEvent[] {
    this.done = true;
    if (this.finished) return NOTHING;
    this.finished = true;
    return [{ type: "error", error: new GatewayError("upstream", "The Gemini stream ended before a finishReason") }];
  }
}

/** A decoder for one upstream streamGenerateContent stream, fed one SSE event at a time. */
export function createGeminiStreamDecoder(): StreamDecoder {
  return new GeminiStreamDecoder();
}

export const decodeGeminiStream = (events: AsyncIterable<SseEvent>): AsyncIterable<CanonicalEvent> =>
  decodeStreamWith(createGeminiStreamDecoder(), events);
