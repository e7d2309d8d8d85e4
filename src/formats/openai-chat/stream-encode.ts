// Canonical events as chat.completion.chunk SSE frames, in the order api.openai.com sends them.
import { idWithSignature } from "../../canonical/tool-call-signature.ts";
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import { assertNever, type CanonicalEvent } from "../../canonical/response.ts";
import { sseFrame } from "../../canonical/sse.ts";
import type { Usage } from "../../canonical/usage.ts";
import { encodeStreamWith } from "../stream-codecs.ts";
import type { StreamEncoder } from "../types.ts";
import { encodeError } from "./errors.ts";
import { newCompletionId } from "./response.ts";
import { encodeFinishReason } from "./stop-reason.ts";
import { encodeUsage } from "./usage.ts";
import { FORMAT_ID, isRecord, type Json } from "./wire.ts";

/** True when the client's own Chat request asked for the usage chunk (stream_options.include_usage). */
export function clientWantsUsage(req: CanonicalRequest): boolean {
  const options = req.extraFormat === FORMAT_ID ? req.extra.stream_options : undefined;
  return isRecord(options) && options.include_usage === true;
}

interface Head {
  id: string;
  model: string;
  created: number;
}

function errorFrame(err: GatewayError): string {
  return sseFrame(JSON.stringify(encodeError(err)));
}

/** Nothing to send for this event (shared; callers only read the arrays a codec returns). */
const NONE: string[] = [];

/**
 * The frames: a first chunk with delta {role:"assistant", content:""} (the SDK's stream helper needs
 * the role), content / reasoning_content / tool_calls deltas, a chunk with an empty delta and the
 * finish_reason, then, only when the client asked with stream_options.include_usage, a usage chunk
 * with `choices: []` (and `usage: null` on every other chunk, as OpenAI does), then `data: [DONE]`.
 *
 * A failure (an "error" event, a source that throws, or an end without "finish") becomes one
 * `data: {"error":{...}}` frame and no [DONE]: the OpenAI SDK throws an APIError on such a frame,
 * so the client sees a failure instead of a silently short answer.
 */
class ChatStreamEncoder implements StreamEncoder {
  done = false;
  private readonly wantsUsage: boolean;
  private head: Head | undefined;
  private usage: Partial<Usage> | undefined;
  private toolCalls = 0;

  constructor(private readonly req: CanonicalRequest) {
    this.wantsUsage = clientWantsUsage(req);
  }

  push(event: CanonicalEvent): string[] {
    switch (event.type) {
      case "start": {
        if (event.usage) this.usage = { ...this.usage, ...event.usage }; // Anthropic reports input tokens at the start
        if (this.head) return NONE;
        const out: string[] = [];
        this.started(out, { id: event.id || newCompletionId(), model: event.model || this.req.model, created: event.created });
        return out;
      }
      case "text-delta": {
        const out: string[] = [];
        const h = this.started(out);
        if (event.text) out.push(this.chunk(h, { content: event.text }));
        return out;
      }
      case "reasoning-delta": {
        const out: string[] = [];
        const h = this.started(out);
        if (event.text) out.push(this.chunk(h, { reasoning_content: event.text }));
        return out;
      }
      case "reasoning-signature":
      case "redacted-reasoning":
        return NONE; // Chat has no field for either
      case "tool-call-start": {
        const out: string[] = [];
        const h = this.started(out);
        this.toolCalls++;
        out.push(
          this.chunk(h, {
            tool_calls: [
              {
                index: event.index,
                id: idWithSignature(event.id, event.signature),
                type: "function",
                function: { name: event.name, arguments: "" },
              },
            ],
          }),
        );
        return out;
      }
      case "tool-args-delta": {
        const out: string[] = [];
        const h = this.started(out);
        if (event.delta) out.push(this.chunk(h, { tool_calls: [{ index: event.index, function: { arguments: event.delta } }] }));
        return out;
      }
      case "tool-call-end":
        return NONE;
      case "usage":
        this.usage = { ...this.usage, ...event.usage };
        return NONE;
      case "finish": {
        const out: string[] = [];
        const h = this.started(out);
        if (event.usage) this.usage = { ...this.usage, ...event.usage };
        out.push(this.chunk(h, {}, encodeFinishReason(event.reason, this.toolCalls > 0)));
        if (this.wantsUsage) out.push(this.frame(h, [], { usage: encodeUsage(this.usage) }));
        out.push("data: [DONE]\n\n");
        this.done = true;
        return out;
      }
      case "error": {
        const frames = [errorFrame(event.error)];
        this.done = true;
        return frames;
      }
      default:
        return assertNever(event, "stream event");
    }
  }

  end(): string[] {
    return this.fail(new GatewayError("upstream", "The upstream stream ended before the response finished."));
  }

  fail(err: GatewayError): string[] {
    if (this.done) return NONE;
    this.done = true;
    return [errorFrame(err)];
  }

  private frame(h: Head, choices: Json[], extra: Json = {}): string {
    return sseFrame(JSON.stringify({ id: h.id, object: "chat.completion.chunk", created: h.created, model: h.model, choices, ...extra }));
  }

  private chunk(h: Head, delta: Json, finishReason: string | null = null): string {
    return this.frame(h, [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], this.wantsUsage ? { usage: null } : {});
  }

  /** The first chunk, once, from the "start" event or (when a source has none) from the request. */
  private started(out: string[], from?: Head): Head {
    if (this.head) return this.head;
    const head = from ?? { id: newCompletionId(), model: this.req.model, created: Math.floor(Date.now() / 1000) };
    this.head = head;
    out.push(this.chunk(head, { role: "assistant", content: "", refusal: null }));
    return head;
  }
}

/** The Chat push encoder for one stream (see ChatStreamEncoder). */
export function createChatStreamEncoder(req: CanonicalRequest): StreamEncoder {
  return new ChatStreamEncoder(req);
}

export function encodeStream(events: AsyncIterable<CanonicalEvent>, req: CanonicalRequest): AsyncGenerator<string> {
  return encodeStreamWith(createChatStreamEncoder(req), events);
}
