// An upstream's Responses SSE events as canonical stream events, translated one by one as they arrive.
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalEvent } from "../../canonical/response.ts";
import type { SseEvent } from "../../canonical/sse.ts";
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

/** Per-stream state: which output index is which tool call, and what has already been forwarded. */
class StreamDecoder {
  started = false;
  calledTools = false;
  refused = false;
  private nextTool = 0;
  private readonly calls = new Map<number, OpenCall>();
  private readonly textSeen = new Set<number>();
  private readonly reasoningSeen = new Set<number>();

  start(data: Json): CanonicalEvent[] {
    if (this.started) return [];
    this.started = true;
    const r = isRecord(data.response) ? data.response : {};
    return [{ type: "start", id: str(r.id) ?? "", model: str(r.model) ?? "", created: num(r.created_at) ?? Math.floor(Date.now() / 1000) }];
  }

  private openCall(outputIndex: number, item: Json): CanonicalEvent[] {
    const existing = this.calls.get(outputIndex);
    if (existing) return [];
    const call: OpenCall = { index: this.nextTool++, args: "", ended: false };
    this.calls.set(outputIndex, call);
    this.calledTools = true;
    const out: CanonicalEvent[] = [
      { type: "tool-call-start", index: call.index, id: str(item.call_id) ?? str(item.id) ?? "", name: str(item.name) ?? "" },
    ];
    const initial = str(item.arguments) ?? str(item.input) ?? "";
    if (initial) out.push(...this.args(outputIndex, initial));
    return out;
  }

  private args(outputIndex: number, delta: string): CanonicalEvent[] {
    const call = this.calls.get(outputIndex);
    if (!call || !delta) return [];
    call.args += delta;
    return [{ type: "tool-args-delta", index: call.index, delta }];
  }

  /** Arguments only sent whole (in a .done event or the finished item) when no delta carried them. */
  private finalArgs(outputIndex: number, full: string | undefined): CanonicalEvent[] {
    const call = this.calls.get(outputIndex);
    if (!call || call.args || !full) return [];
    return this.args(outputIndex, full);
  }

  added(outputIndex: number, item: Json): CanonicalEvent[] {
    if (item.type === "function_call" || item.type === "custom_tool_call") return this.openCall(outputIndex, item);
    return [];
  }

  done(outputIndex: number, item: Json): CanonicalEvent[] {
    switch (item.type) {
      case "function_call":
      case "custom_tool_call": {
        const out = this.openCall(outputIndex, item);
        out.push(...this.finalArgs(outputIndex, str(item.arguments) ?? str(item.input)));
        const call = this.calls.get(outputIndex)!;
        if (!call.ended) {
          call.ended = true;
          out.push({ type: "tool-call-end", index: call.index });
        }
        return out;
      }
      case "reasoning": {
        const out: CanonicalEvent[] = [];
        const text = reasoningText(item);
        if (!this.reasoningSeen.has(outputIndex) && text) out.push({ type: "reasoning-delta", text });
        const decoded = decodeReasoningItem(str(item.id), str(item.encrypted_content));
        if (decoded.kind === "redacted") out.push({ type: "redacted-reasoning", data: decoded.data });
        else if (decoded.signature) out.push({ type: "reasoning-signature", signature: decoded.signature });
        return out;
      }
      case "message": {
        if (this.textSeen.has(outputIndex)) return [];
        const out: CanonicalEvent[] = [];
        for (const part of Array.isArray(item.content) ? item.content : []) {
          if (!isRecord(part)) continue;
          const text = part.type === "output_text" ? str(part.text) : part.type === "refusal" ? str(part.refusal) : undefined;
          if (part.type === "refusal") this.refused = true;
          if (text) out.push({ type: "text-delta", text });
        }
        return out;
      }
      default:
        return [];
    }
  }

  event(type: string, data: Json): CanonicalEvent[] {
    const outputIndex = num(data.output_index) ?? 0;
    const delta = str(data.delta) ?? "";
    switch (type) {
      case "response.output_item.added":
        return isRecord(data.item) ? this.added(outputIndex, data.item) : [];
      case "response.output_item.done":
        return isRecord(data.item) ? this.done(outputIndex, data.item) : [];
      case "response.refusal.delta":
      case "response.output_text.delta":
        // A refusal reads as text (and ends the answer as content-filter).
        if (type === "response.refusal.delta") this.refused = true;
        this.textSeen.add(outputIndex);
        return delta ? [{ type: "text-delta", text: delta }] : [];
      case "response.reasoning_summary_part.added":
        // Summary parts read as paragraphs, the way the non-streamed answer joins them.
        return (num(data.summary_index) ?? 0) > 0 && this.reasoningSeen.has(outputIndex) ? [{ type: "reasoning-delta", text: "\n\n" }] : [];
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        this.reasoningSeen.add(outputIndex);
        return delta ? [{ type: "reasoning-delta", text: delta }] : [];
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        return this.args(outputIndex, delta);
      case "response.function_call_arguments.done":
        return this.finalArgs(outputIndex, str(data.arguments));
      case "response.custom_tool_call_input.done":
        return this.finalArgs(outputIndex, str(data.input));
      default:
        return [];
    }
  }

  finish(data: Json): CanonicalEvent {
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

export async function* decodeStream(events: AsyncIterable<SseEvent>): AsyncGenerator<CanonicalEvent> {
  const decoder = new StreamDecoder();
  for await (const sse of events) {
    if (sse.data === "[DONE]") continue;
    let data: unknown;
    try {
      data = JSON.parse(sse.data);
    } catch {
      yield {
        type: "error",
        error: new GatewayError("upstream", `The upstream sent a stream event that is not JSON: ${sse.data.slice(0, 200)}`),
      };
      return;
    }
    if (!isRecord(data)) continue;
    const type = str(data.type) ?? sse.event ?? "";
    if (type === "response.created" || type === "response.in_progress" || type === "response.queued") {
      yield* decoder.start(data);
      continue;
    }
    if (type === "error") {
      yield { type: "error", error: decodeStreamError(isRecord(data.error) ? data.error : data, "The upstream stream reported an error.") };
      return;
    }
    if (type === "response.failed") {
      const r = isRecord(data.response) ? data.response : {};
      yield { type: "error", error: decodeStreamError(r.error, "The upstream response failed.") };
      return;
    }
    if (!decoder.started) yield* decoder.start({});
    if (type === "response.completed" || type === "response.incomplete") {
      yield decoder.finish(data);
      return;
    }
    yield* decoder.event(type, data);
  }
}
