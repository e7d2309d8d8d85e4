// An upstream's Responses SSE events as canonical stream events: a push decoder fed one event at a time, and decodeStream over it.
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalEvent } from "../../canonical/response.ts";
import type { SseEvent } from "../../canonical/sse.ts";
import { decodeStreamWith } from "../stream-codecs.ts";
import type { StreamDecoder } from "../types.ts";
import { decodeStreamError } from "./errors.ts";
import { decodeReasoningItem } from "./reasoning-signature.ts";
import { reasoningText } from "./response.ts";
import { decodeFinishReason } from "./stop-reason.ts";
import { decodeUsage } from "./usage.ts";
import { isRecord, num, str, type Json } from "./wire.ts";

interface OpenCall {
  index: number;
  args: string;
  ended: boolean;
}

/** What push returns for an event that makes no canonical event (never mutated: callers only read it). */
const NOTHING: CanonicalEvent[] = [];

/**
 * Per-stream state: which output index is which tool call, and what has already been forwarded. A stream that ends
 * without its terminal event (response.completed/incomplete/failed, or an error) ends in an error, as the other
 * formats' decoders do: the answer is incomplete, and the client and the usage row are told so.
 */
class ResponsesStreamDecoder implements StreamDecoder {
  done = false;
  private started = false;
  private calledTools = false;
  private refused = false;
  private nextTool = 0;
  private readonly calls = new Map<number, OpenCall>();
  private readonly textSeen = new Set<number>();
  private readonly reasoningSeen = new Set<number>();

  push(sse: SseEvent): CanonicalEvent[] {
    if (this.done || sse.data === "[DONE]") return NOTHING;
    let data: unknown;
    try {
      data = JSON.parse(sse.data);
    } catch {
      this.done = true;
      return [
        {
          type: "error",
          error: new GatewayError("upstream", `The upstream sent a stream event that is not JSON: ${sse.data.slice(0, 200)}`),
        },
      ];
    }
    if (!isRecord(data)) return NOTHING;
    const type = str(data.type) ?? sse.event ?? "";
    if (type === "response.created" || type === "response.in_progress" || type === "response.queued") {
      if (this.started) return NOTHING;
      const out: CanonicalEvent[] = [];
      this.start(data, out);
      return out;
    }
    if (type === "error") {
      this.done = true;
      return [
        { type: "error", error: decodeStreamError(isRecord(data.error) ? data.error : data, "The upstream stream reported an error.") },
      ];
    }
    if (type === "response.failed") {
      this.done = true;
      const r = isRecord(data.response) ? data.response : {};
      return [{ type: "error", error: decodeStreamError(r.error, "The upstream response failed.") }];
    }
    const out: CanonicalEvent[] = [];
    if (!this.started) this.start({}, out);
    if (type === "response.completed" || type === "response.incomplete") {
      this.done = true;
      out.push(this.finish(data));
    } else {
      this.event(type, data, out);
    }
    return out;
  }

  /** A Responses stream's finish or error comes in an event: a stream that ends without one was cut short. */
  end(): CanonicalEvent[] {
    if (this.done) return NOTHING;
    this.done = true;
    return [
      {
        type: "error",
        error: new GatewayError("upstream", "The upstream stream ended before response.completed: the answer is incomplete"),
      },
    ];
  }

  private start(data: Json, out: CanonicalEvent[]): void {
    this.started = true;
    const r = isRecord(data.response) ? data.response : {};
    out.push({
      type: "start",
      id: str(r.id) ?? "",
      model: str(r.model) ?? "",
      created: num(r.created_at) ?? Math.floor(Date.now() / 1000),
    });
  }

  private openCall(outputIndex: number, item: Json, out: CanonicalEvent[]): void {
    if (this.calls.has(outputIndex)) return;
    const call: OpenCall = { index: this.nextTool++, args: "", ended: false };
    this.calls.set(outputIndex, call);
    this.calledTools = true;
    out.push({ type: "tool-call-start", index: call.index, id: str(item.call_id) ?? str(item.id) ?? "", name: str(item.name) ?? "" });
    const initial = str(item.arguments) ?? str(item.input) ?? "";
    if (initial) this.args(outputIndex, initial, out);
  }

  private args(outputIndex: number, delta: string, out: CanonicalEvent[]): void {
    const call = this.calls.get(outputIndex);
    if (!call || !delta) return;
    call.args += delta;
    out.push({ type: "tool-args-delta", index: call.index, delta });
  }

  /** Arguments only sent whole (in a .done event or the finished item) when no delta carried them. */
  private finalArgs(outputIndex: number, full: string | undefined, out: CanonicalEvent[]): void {
    const call = this.calls.get(outputIndex);
    if (!call || call.args || !full) return;
    this.args(outputIndex, full, out);
  }

  private itemDone(outputIndex: number, item: Json, out: CanonicalEvent[]): void {
    switch (item.type) {
      case "function_call":
      case "custom_tool_call": {
        this.openCall(outputIndex, item, out);
        this.finalArgs(outputIndex, str(item.arguments) ?? str(item.input), out);
        const call = this.calls.get(outputIndex)!;
        if (!call.ended) {
          call.ended = true;
          out.push({ type: "tool-call-end", index: call.index });
        }
        return;
      }
      case "reasoning": {
        const text = reasoningText(item);
        if (!this.reasoningSeen.has(outputIndex) && text) out.push({ type: "reasoning-delta", text });
        const decoded = decodeReasoningItem(str(item.id), str(item.encrypted_content));
        if (decoded.kind === "redacted") out.push({ type: "redacted-reasoning", data: decoded.data });
        else if (decoded.signature) out.push({ type: "reasoning-signature", signature: decoded.signature });
        return;
      }
      case "message": {
        if (this.textSeen.has(outputIndex)) return;
        for (const part of Array.isArray(item.content) ? item.content : []) {
          if (!isRecord(part)) continue;
          const text = part.type === "output_text" ? str(part.text) : part.type === "refusal" ? str(part.refusal) : undefined;
          if (part.type === "refusal") this.refused = true;
          if (text) out.push({ type: "text-delta", text });
        }
        return;
      }
      default:
        return;
    }
  }

  private event(type: string, data: Json, out: CanonicalEvent[]): void {
    const outputIndex = num(data.output_index) ?? 0;
    const delta = str(data.delta) ?? "";
    switch (type) {
      case "response.output_item.added":
        if (isRecord(data.item) && (data.item.type === "function_call" || data.item.type === "custom_tool_call")) {
          this.openCall(outputIndex, data.item, out);
        }
        return;
      case "response.output_item.done":
        if (isRecord(data.item)) this.itemDone(outputIndex, data.item, out);
        return;
      case "response.refusal.delta":
      case "response.output_text.delta":
        // A refusal reads as text (and ends the answer as content-filter).
        if (type === "response.refusal.delta") this.refused = true;
        this.textSeen.add(outputIndex);
        if (delta) out.push({ type: "text-delta", text: delta });
        return;
      case "response.reasoning_summary_part.added":
        // Summary parts read as paragraphs, the way the non-streamed answer joins them.
        if ((num(data.summary_index) ?? 0) > 0 && this.reasoningSeen.has(outputIndex)) out.push({ type: "reasoning-delta", text: "\n\n" });
        return;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        this.reasoningSeen.add(outputIndex);
        if (delta) out.push({ type: "reasoning-delta", text: delta });
        return;
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        this.args(outputIndex, delta, out);
        return;
      case "response.function_call_arguments.done":
        this.finalArgs(outputIndex, str(data.arguments), out);
        return;
      case "response.custom_tool_call_input.done":
        this.finalArgs(outputIndex, str(data.input), out);
        return;
      default:
        return;
    }
  }

  private finish(data: Json): CanonicalEvent {
    const r = isRecord(data.response) ? data.response : {};
    const incomplete = isRecord(r.incomplete_details) ? str(r.incomplete_details.reason) : undefined;
    let reason = decodeFinishReason(
      str(r.status) ?? (data.type === "response.incomplete" ? "incomplete" : "completed"),
      incomplete,
      this.calledTools,
    );
    if (this.refused && reason === "stop") reason = "content-filter";
    const usage = decodeUsage(r.usage);
    return usage ? { type: "finish", reason, usage } : { type: "finish", reason };
  }
}

/** A decoder for one upstream Responses stream, fed one SSE event at a time. */
export function createResponsesStreamDecoder(): StreamDecoder {
  return new ResponsesStreamDecoder();
}

export const decodeStream = (events: AsyncIterable<SseEvent>): AsyncIterable<CanonicalEvent> =>
  decodeStreamWith(createResponsesStreamDecoder(), events);
