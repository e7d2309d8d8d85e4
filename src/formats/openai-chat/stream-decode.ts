// chat.completion.chunk SSE frames as canonical events, yielded as each frame arrives.
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalEvent } from "../../canonical/response.ts";
import type { SseEvent } from "../../canonical/sse.ts";
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

/**
 * The decoder's state between frames. Tool calls are keyed by the wire `index`; canonical indices are
 * handed out in order of appearance, so a provider that reuses index 0 for every call (with a new id
 * each time) still yields distinct calls.
 */
class ChunkReader {
  private started = false;
  private finish: FinishReason | undefined;
  private usage: Partial<Usage> | undefined;
  private readonly open = new Map<number, OpenCall>();
  private nextIndex = 0;

  *read(chunk: Json): Generator<CanonicalEvent> {
    if (!this.started) {
      this.started = true;
      yield {
        type: "start",
        id: typeof chunk.id === "string" && chunk.id ? chunk.id : newCompletionId(),
        model: typeof chunk.model === "string" ? chunk.model : "",
        created: typeof chunk.created === "number" ? chunk.created : Math.floor(Date.now() / 1000),
      };
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices.filter(isRecord) : [];
    const choice = choices.find((c) => (c.index ?? 0) === 0);
    // Usage comes in its own chunk (choices: []), or beside the finish (DeepSeek), or inside the choice (Moonshot).
    const usage = decodeUsage(chunk.usage) ?? decodeUsage(choice?.usage);
    if (usage) {
      this.usage = usage;
      yield { type: "usage", usage };
    }
    if (!choice) return;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const reasoning = typeof delta.reasoning_content === "string" ? delta.reasoning_content : delta.reasoning;
    if (typeof reasoning === "string" && reasoning) yield { type: "reasoning-delta", text: reasoning };
    if (typeof delta.content === "string" && delta.content) yield { type: "text-delta", text: delta.content };
    if (typeof delta.refusal === "string" && delta.refusal) yield { type: "text-delta", text: delta.refusal };
    if (Array.isArray(delta.tool_calls)) {
      for (const [position, tc] of delta.tool_calls.entries()) {
        if (isRecord(tc)) yield* this.toolCall(tc, typeof tc.index === "number" ? tc.index : position);
      }
    }
    // Legacy function_call streams as one call.
    if (isRecord(delta.function_call)) yield* this.toolCall({ function: delta.function_call }, 0);
    if (typeof choice.finish_reason === "string" && choice.finish_reason) {
      this.finish = decodeFinishReason(choice.finish_reason);
      if (this.finish === "stop" && this.nextIndex > 0) this.finish = "tool-calls";
      yield* this.closeCalls();
    }
  }

  private *toolCall(tc: Json, wireIndex: number): Generator<CanonicalEvent> {
    const fn = isRecord(tc.function) ? tc.function : {};
    const id = typeof tc.id === "string" && tc.id ? tc.id : undefined;
    let call = this.open.get(wireIndex);
    if (call && id !== undefined && id !== call.id) {
      yield { type: "tool-call-end", index: call.index };
      call = undefined;
    }
    if (!call) {
      call = { index: this.nextIndex++, id: id ?? `call_${this.nextIndex - 1}` };
      this.open.set(wireIndex, call);
      yield { type: "tool-call-start", index: call.index, id: call.id, name: typeof fn.name === "string" ? fn.name : "" };
    }
    if (typeof fn.arguments === "string" && fn.arguments) yield { type: "tool-args-delta", index: call.index, delta: fn.arguments };
  }

  *closeCalls(): Generator<CanonicalEvent> {
    const calls = [...this.open.values()].sort((a, b) => a.index - b.index);
    this.open.clear();
    for (const call of calls) yield { type: "tool-call-end", index: call.index };
  }

  /**
   * The held finish, with the usage seen so far (the usage chunk comes after the finish_reason chunk,
   * so the finish waits for [DONE] or the end of the stream). A stream that said [DONE] without any
   * finish_reason (some compatible providers) ends as "stop", or "tool-calls" when it called tools.
   */
  *end(sawDone: boolean): Generator<CanonicalEvent> {
    yield* this.closeCalls();
    const reason = this.finish ?? (sawDone ? (this.nextIndex > 0 ? "tool-calls" : "stop") : undefined);
    if (reason === undefined) {
      yield { type: "error", error: new GatewayError("upstream", "The upstream stream ended before the response finished.") };
      return;
    }
    yield this.usage ? { type: "finish", reason, usage: this.usage } : { type: "finish", reason };
  }
}

export async function* decodeStream(events: AsyncIterable<SseEvent>): AsyncGenerator<CanonicalEvent> {
  const reader = new ChunkReader();
  let sawDone = false;
  for await (const event of events) {
    if (event.data.trim() === "[DONE]") {
      sawDone = true;
      break;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      yield {
        type: "error",
        error: new GatewayError("upstream", `The upstream sent a stream frame that is not JSON: ${event.data.slice(0, 200)}`),
      };
      return;
    }
    if (!isRecord(chunk)) continue;
    if (event.event === "error" || (chunk.error !== undefined && chunk.error !== null)) {
      yield { type: "error", error: gatewayErrorFrom(chunk.error ?? chunk) };
      return;
    }
    yield* reader.read(chunk);
  }
  yield* reader.end(sawDone);
}
