// Canonical events as chat.completion.chunk SSE frames, in the order api.openai.com sends them.
import { idWithSignature } from "../../canonical/tool-call-signature.ts";
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import { assertNever, type CanonicalEvent } from "../../canonical/response.ts";
import { sseFrame } from "../../canonical/sse.ts";
import type { Usage } from "../../canonical/usage.ts";
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
export async function* encodeStream(events: AsyncIterable<CanonicalEvent>, req: CanonicalRequest): AsyncGenerator<string> {
  const wantsUsage = clientWantsUsage(req);
  let head: Head | undefined;
  let usage: Partial<Usage> | undefined;
  let toolCalls = 0;

  const frame = (h: Head, choices: Json[], extra: Json = {}): string =>
    sseFrame(JSON.stringify({ id: h.id, object: "chat.completion.chunk", created: h.created, model: h.model, choices, ...extra }));
  const chunk = (h: Head, delta: Json, finishReason: string | null = null): string =>
    frame(h, [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], wantsUsage ? { usage: null } : {});
  /** The first chunk, once, from the "start" event or (when a source has none) from the request. */
  function* started(from?: Head): Generator<string, Head> {
    if (head) return head;
    head = from ?? { id: newCompletionId(), model: req.model, created: Math.floor(Date.now() / 1000) };
    yield chunk(head, { role: "assistant", content: "", refusal: null });
    return head;
  }

  try {
    for await (const event of events) {
      switch (event.type) {
        case "start":
          if (event.usage) usage = { ...usage, ...event.usage }; // Anthropic reports input tokens at the start
          yield* started({ id: event.id || newCompletionId(), model: event.model || req.model, created: event.created });
          break;
        case "text-delta": {
          const h = yield* started();
          if (event.text) yield chunk(h, { content: event.text });
          break;
        }
        case "reasoning-delta": {
          const h = yield* started();
          if (event.text) yield chunk(h, { reasoning_content: event.text });
          break;
        }
        case "reasoning-signature":
        case "redacted-reasoning":
          break; // Chat has no field for either
        case "tool-call-start": {
          const h = yield* started();
          toolCalls++;
          yield chunk(h, {
            tool_calls: [
              {
                index: event.index,
                id: idWithSignature(event.id, event.signature),
                type: "function",
                function: { name: event.name, arguments: "" },
              },
            ],
          });
          break;
        }
        case "tool-args-delta": {
          const h = yield* started();
          if (event.delta) yield chunk(h, { tool_calls: [{ index: event.index, function: { arguments: event.delta } }] });
          break;
        }
        case "tool-call-end":
          break;
        case "usage":
          usage = { ...usage, ...event.usage };
          break;
        case "finish": {
          const h = yield* started();
          if (event.usage) usage = { ...usage, ...event.usage };
          yield chunk(h, {}, encodeFinishReason(event.reason, toolCalls > 0));
          if (wantsUsage) yield frame(h, [], { usage: encodeUsage(usage) });
          yield "data: [DONE]\n\n";
          return;
        }
        case "error":
          yield errorFrame(event.error);
          return;
        default:
          assertNever(event, "stream event");
      }
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    yield errorFrame(
      err instanceof GatewayError ? err : new GatewayError("upstream", `The upstream stream failed: ${message}`, { cause: err }),
    );
    return;
  }
  yield errorFrame(new GatewayError("upstream", "The upstream stream ended before the response finished."));
}
