// chat.completion.chunk SSE frames as canonical events: a push decoder fed one frame at a time, and decodeStream over it.
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalEvent } from "../../canonical/response.ts";
import type { SseEvent } from "../../canonical/sse.ts";
import { decodeStreamWith } from "../stream-codecs.ts";
import type { StreamDecoder } from "../types.ts";
import type { FinishReason, Usage } from "../../canonical/usage.ts";
import { gatewayErrorFrom } from "./errors.ts";
import { newCompletionId } from "./response.ts";
import { decodeFinishReason } from "./stop-reason.ts";
import { decodeUsage } from "./usage.ts";
import { isRecord, type Json } from "./wire.ts";

interface OpenCall {
  index: number;
  id: string;
}

/** What push returns for a frame that makes no event (never mutated: callers only read it). */
const NOTHING: CanonicalEvent[] = [];

/**
 * The decoder's state between frames. Tool calls are keyed by the wire `index`; canonical indices are
 * handed out in order of appearance, so a provider that reuses index 0 for every call (with a new id
 * each time) still yields distinct calls.
 */
class ChunkReader implements StreamDecoder {
  done = false;
  /** An error was decoded, or end() already closed the stream: end() adds nothing. */
  private closed = false;
  private sawDone = false;
  private started = false;
  private finish: FinishReason | undefined;
  private usage: Partial<Usage> | undefined;
  private readonly open = new Map<number, OpenCall>();
  private nextIndex = 0;

  push(event: SseEvent): CanonicalEvent[] {
    if (this.done) return NOTHING;
    if (event.data.trim() === "[DONE]") {
      this.sawDone = true;
      this.done = true;
      return NOTHING;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      return this.fail(new GatewayError("upstream", `The upstream sent a stream frame that is not JSON: ${event.data.slice(0, 200)}`));
    }
    if (!isRecord(chunk)) return NOTHING;
    if (event.event === "error" || (chunk.error !== undefined && chunk.error !== null))
      return this.fail(gatewayErrorFrom(chunk.error ?? chunk));
    const out: CanonicalEvent[] = [];
    this.read(chunk, out);
    return out;
  }

  private fail(error: GatewayError): CanonicalEvent[] {
    this.done = true;
    this.closed = true;
    return [{ type: "error", error }];
  }

  private read(chunk: Json, out: CanonicalEvent[]): void {
    if (!this.started) {
      this.started = true;
      out.push({
        type: "start",
        id: typeof chunk.id === "string" && chunk.id ? chunk.id : newCompletionId(),
        model: typeof chunk.model === "string" ? chunk.model : "",
        created: typeof chunk.created === "number" ? chunk.created : Math.floor(Date.now() / 1000),
      });
    }
    const choice = firstChoice(chunk.choices);
    // Usage comes in its own chunk (choices: []), or beside the finish (DeepSeek), or inside the choice (Moonshot).
    const usage = decodeUsage(chunk.usage) ?? decodeUsage(choice?.usage);
    if (usage) {
      this.usage = usage;
      out.push({ type: "usage", usage });
    }
    if (!choice) return;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const reasoning = typeof delta.reasoning_content === "string" ? delta.reasoning_content : delta.reasoning;
    if (typeof reasoning === "string" && reasoning) out.push({ type: "reasoning-delta", text: reasoning });
    if (typeof delta.content === "string" && delta.content) out.push({ type: "text-delta", text: delta.content });
    if (typeof delta.refusal === "string" && delta.refusal) out.push({ type: "text-delta", text: delta.refusal });
    if (Array.isArray(delta.tool_calls)) {
      const calls: unknown[] = delta.tool_calls;
      for (let position = 0; position < calls.length; position++) {
        const tc = calls[position];
        if (isRecord(tc)) this.toolCall(tc, typeof tc.index === "number" ? tc.index : position, out);
      }
    }
    // Legacy function_call streams as one call.
    if (isRecord(delta.function_call)) this.toolCall({ function: delta.function_call }, 0, out);
    if (typeof choice.finish_reason === "string" && choice.finish_reason) {
      this.finish = decodeFinishReason(choice.finish_reason);
      if (this.finish === "stop" && this.nextIndex > 0) this.finish = "tool-calls";
      this.closeCalls(out);
    }
  }

  private toolCall(tc: Json, wireIndex: number, out: CanonicalEvent[]): void {
    const fn = isRecord(tc.function) ? tc.function : {};
    const id = typeof tc.id === "string" && tc.id ? tc.id : undefined;
    let call = this.open.get(wireIndex);
    if (call && id !== undefined && id !== call.id) {
      out.push({ type: "tool-call-end", index: call.index });
      call = undefined;
    }
    if (!call) {
      call = { index: this.nextIndex++, id: id ?? `call_${this.nextIndex - 1}` };
      this.open.set(wireIndex, call);
      out.push({ type: "tool-call-start", index: call.index, id: call.id, name: typeof fn.name === "string" ? fn.name : "" });
    }
    if (typeof fn.arguments === "string" && fn.arguments) out.push({ type: "tool-args-delta", index: call.index, delta: fn.arguments });
  }

  private closeCalls(out: CanonicalEvent[]): void {
    if (this.open.size === 0) return;
    const calls = [...this.open.values()].sort((a, b) => a.index - b.index);
    this.open.clear();
    for (const call of calls) out.push({ type: "tool-call-end", index: call.index });
  }

  /**
   * The held finish, with the usage seen so far (the usage chunk comes after the finish_reason chunk,
   * so the finish waits for [DONE] or the end of the stream). A stream that said [DONE] without any
   * finish_reason (some compatible providers) ends as "stop", or "tool-calls" when it called tools.
   */
  end(): CanonicalEvent[] {
    if (this.closed) return NOTHING;
    this.done = true;
    this.closed = true;
    const out: CanonicalEvent[] = [];
    this.closeCalls(out);
    const reason = this.finish ?? (this.sawDone ? (this.nextIndex > 0 ? "tool-calls" : "stop") : undefined);
    if (reason === undefined) {
      out.push({ type: "error", error: new GatewayError("upstream", "The upstream stream ended before the response finished.") });
    } else {
      out.push(this.usage ? { type: "finish", reason, usage: this.usage } : { type: "finish", reason });
    }
    return out;
  }
}

/** The first choice (index 0, or no index) among the chunk's choices, if any. */
function firstChoice(choices: unknown): Json | undefined {
  if (!Array.isArray(choices)) return undefined;
  for (const c of choices) if (isRecord(c) && (c.index ?? 0) === 0) return c;
  return undefined;
}

/** A decoder for one upstream chat.completion.chunk stream, fed one SSE event at a time. */
export function createChatStreamDecoder(): StreamDecoder {
  return new ChunkReader();
}

export const decodeStream = (events: AsyncIterable<SseEvent>): AsyncIterable<CanonicalEvent> =>
  decodeStreamWith(createChatStreamDecoder(), events);
