// Canonical stream events as the Responses SSE sequence, event by event, with sequence numbers from 0.
import { idWithSignature } from "../../canonical/tool-call-signature.ts";
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import { assertNever, type CanonicalEvent } from "../../canonical/response.ts";
import { sseFrame } from "../../canonical/sse.ts";
import type { FinishReason, Usage } from "../../canonical/usage.ts";
import { encodeStreamWith } from "../stream-codecs.ts";
import type { StreamEncoder } from "../types.ts";
import { customToolNames } from "./custom-tools.ts";
import { responseError } from "./errors.ts";
import { newId, responseId } from "./ids.ts";
import { reasoningItemForClient, redactedItemForClient, unpackSignature } from "./reasoning-signature.ts";
import { baseResponse, toolCallItem } from "./response-object.ts";
import { encodeFinishReason } from "./stop-reason.ts";
import { encodeUsage } from "./usage.ts";
import type {
  CustomToolCallItem,
  FunctionCallItem,
  MessageItem,
  OutputItem,
  OutputText,
  ReasoningItem,
  SummaryText,
  WireResponse,
} from "./wire.ts";

interface OpenText {
  index: number;
  item: MessageItem;
  part: OutputText;
}
interface OpenReasoning {
  index: number;
  item: ReasoningItem;
  part?: SummaryText;
  signature?: string;
}
interface OpenCall {
  index: number;
  item: FunctionCallItem | CustomToolCallItem;
  done: boolean;
}

/** Nothing to send for this event (shared; callers only read the arrays a codec returns). */
const NONE: string[] = [];

class ResponsesStreamEncoder implements StreamEncoder {
  done = false;
  private seq = 0;
  private response: WireResponse | undefined;
  private readonly output: OutputItem[] = [];
  private text: OpenText | undefined;
  private reasoning: OpenReasoning | undefined;
  private readonly calls = new Map<number, OpenCall>();
  private readonly customTools: Set<string>;
  private usage: Partial<Usage> = {};
  private finished: FinishReason | undefined;

  constructor(private readonly req: CanonicalRequest) {
    this.customTools = customToolNames(req);
  }

  push(event: CanonicalEvent): string[] {
    if (this.finished !== undefined) {
      // Only late usage still counts once the answer has finished.
      if (event.type === "usage") this.addUsage(event.usage);
      return NONE;
    }
    switch (event.type) {
      case "start":
        return this.start(event.id, event.model, event.created, event.usage);
      case "text-delta":
        return this.textDelta(event.text);
      case "reasoning-delta":
        return this.reasoningDelta(event.text);
      case "reasoning-signature":
        return this.reasoningSignature(event.signature);
      case "redacted-reasoning":
        return this.redactedReasoning(event.data);
      case "tool-call-start":
        return this.toolStart(event.index, idWithSignature(event.id, event.signature), event.name);
      case "tool-args-delta":
        return this.toolArgs(event.index, event.delta);
      case "tool-call-end":
        return this.toolEnd(event.index);
      case "usage":
        this.addUsage(event.usage);
        return NONE;
      case "finish":
        return this.finish(event.reason, event.usage);
      case "error": {
        const frames = this.failed(event.error);
        this.done = true;
        return frames;
      }
      default:
        return assertNever(event, "stream event");
    }
  }

  /** The terminal event once the answer finished; response.failed when it never did. */
  end(): string[] {
    if (this.done) return NONE;
    this.done = true;
    if (this.finished !== undefined) return this.complete();
    return this.failed(new GatewayError("upstream", "The upstream stream ended before the response was complete."));
  }

  /** A break after the answer finished loses nothing: the response completes as it would at the end. */
  fail(err: GatewayError): string[] {
    if (this.done) return NONE;
    if (this.finished !== undefined) return this.end();
    this.done = true;
    return this.failed(err);
  }

  private frame(type: string, payload: Record<string, unknown>): string {
    return sseFrame(JSON.stringify({ type, sequence_number: this.seq++, ...payload }), type);
  }

  private start(id: string, model: string, created: number, usage?: Partial<Usage>): string[] {
    if (this.response) return [];
    if (usage) this.addUsage(usage);
    this.response = baseResponse(this.req, responseId(id), model || this.req.model, created);
    return [this.frame("response.created", { response: this.response }), this.frame("response.in_progress", { response: this.response })];
  }

  private ensureStarted(): string[] {
    return this.response ? [] : this.start(newId("resp"), this.req.model, Math.floor(Date.now() / 1000));
  }

  private addUsage(usage: Partial<Usage>): void {
    this.usage = { ...this.usage, ...usage };
  }

  private add(item: OutputItem): { index: number; frame: string } {
    const index = this.output.length;
    const frame = this.frame("response.output_item.added", { output_index: index, item });
    this.output.push(item);
    return { index, frame };
  }

  private closeText(): string[] {
    const open = this.text;
    if (!open) return [];
    this.text = undefined;
    const at = { item_id: open.item.id, output_index: open.index, content_index: 0 };
    open.item.status = "completed";
    return [
      this.frame("response.output_text.done", { ...at, text: open.part.text, logprobs: [] }),
      this.frame("response.content_part.done", { ...at, part: open.part }),
      this.frame("response.output_item.done", { output_index: open.index, item: open.item }),
    ];
  }

  private closeReasoning(): string[] {
    const open = this.reasoning;
    if (!open) return [];
    this.reasoning = undefined;
    const frames: string[] = [];
    const at = { item_id: open.item.id, output_index: open.index, summary_index: 0 };
    if (open.part) {
      frames.push(this.frame("response.reasoning_summary_text.done", { ...at, text: open.part.text }));
      frames.push(this.frame("response.reasoning_summary_part.done", { ...at, part: open.part }));
    }
    const encrypted = reasoningItemForClient(open.signature).encrypted_content;
    if (encrypted !== undefined) open.item.encrypted_content = encrypted;
    frames.push(this.frame("response.output_item.done", { output_index: open.index, item: open.item }));
    return frames;
  }

  private closeSequential(): string[] {
    return [...this.closeText(), ...this.closeReasoning()];
  }

  private textDelta(delta: string): string[] {
    if (!delta) return [];
    const frames = this.ensureStarted();
    if (!this.text) {
      frames.push(...this.closeReasoning());
      const item: MessageItem = { id: newId("msg"), type: "message", status: "in_progress", content: [], role: "assistant" };
      const { index, frame } = this.add(item);
      const part: OutputText = { type: "output_text", annotations: [], logprobs: [], text: "" };
      frames.push(frame, this.frame("response.content_part.added", { item_id: item.id, output_index: index, content_index: 0, part }));
      item.content.push(part);
      this.text = { index, item, part };
    }
    const open = this.text;
    open.part.text += delta;
    frames.push(
      this.frame("response.output_text.delta", { item_id: open.item.id, output_index: open.index, content_index: 0, delta, logprobs: [] }),
    );
    return frames;
  }

  private openReasoning(id: string): string[] {
    const frames = this.closeSequential();
    const item: ReasoningItem = { id, type: "reasoning", summary: [] };
    const { index, frame } = this.add(item);
    frames.push(frame);
    this.reasoning = { index, item };
    return frames;
  }

  private reasoningDelta(delta: string): string[] {
    if (!delta) return [];
    const frames = this.ensureStarted();
    // A signature ends a thinking block: text after it belongs to a new reasoning item.
    if (!this.reasoning || this.reasoning.signature !== undefined) frames.push(...this.openReasoning(newId("rs")));
    const open = this.reasoning!;
    if (!open.part) {
      const part: SummaryText = { type: "summary_text", text: "" };
      frames.push(
        this.frame("response.reasoning_summary_part.added", {
          item_id: open.item.id,
          output_index: open.index,
          summary_index: 0,
          part: { ...part },
        }),
      );
      open.item.summary.push(part);
      open.part = part;
    }
    open.part.text += delta;
    frames.push(
      this.frame("response.reasoning_summary_text.delta", { item_id: open.item.id, output_index: open.index, summary_index: 0, delta }),
    );
    return frames;
  }

  private reasoningSignature(signature: string): string[] {
    const frames = this.ensureStarted();
    if (!this.reasoning || this.reasoning.signature !== undefined) {
      // Encrypted reasoning with no summary text: the item exists only to carry it.
      frames.push(...this.openReasoning(unpackSignature(signature)?.id ?? newId("rs")));
    }
    this.reasoning!.signature = signature;
    return frames;
  }

  private redactedReasoning(data: string): string[] {
    const frames = [...this.ensureStarted(), ...this.closeSequential()];
    const item: ReasoningItem = { type: "reasoning", summary: [], ...redactedItemForClient(data) };
    const { index, frame } = this.add(item);
    frames.push(frame, this.frame("response.output_item.done", { output_index: index, item }));
    return frames;
  }

  private toolStart(index: number, callId: string, name: string): string[] {
    const frames = this.ensureStarted();
    if (this.calls.has(index)) return frames;
    frames.push(...this.closeSequential());
    const item = toolCallItem(callId, name, "", this.customTools.has(name), "in_progress");
    const added = this.add(item);
    frames.push(added.frame);
    this.calls.set(index, { index: added.index, item, done: false });
    return frames;
  }

  private toolArgs(index: number, delta: string): string[] {
    const call = this.calls.get(index);
    if (!call || call.done || !delta) return [];
    const at = { item_id: call.item.id, output_index: call.index, delta };
    if (call.item.type === "custom_tool_call") {
      call.item.input += delta;
      return [this.frame("response.custom_tool_call_input.delta", at)];
    }
    call.item.arguments += delta;
    return [this.frame("response.function_call_arguments.delta", at)];
  }

  private toolEnd(index: number): string[] {
    const call = this.calls.get(index);
    if (!call || call.done) return [];
    call.done = true;
    call.item.status = "completed";
    const at = { item_id: call.item.id, output_index: call.index };
    const done =
      call.item.type === "custom_tool_call"
        ? this.frame("response.custom_tool_call_input.done", { ...at, input: call.item.input })
        : this.frame("response.function_call_arguments.done", { ...at, arguments: call.item.arguments });
    return [done, this.frame("response.output_item.done", { output_index: call.index, item: call.item })];
  }

  private finish(reason: FinishReason, usage?: Partial<Usage>): string[] {
    const frames = [...this.ensureStarted(), ...this.closeSequential()];
    const open = [...this.calls.entries()].filter(([, c]) => !c.done).sort(([, a], [, b]) => a.index - b.index);
    for (const [index] of open) frames.push(...this.toolEnd(index));
    if (usage) this.addUsage(usage);
    this.finished = reason;
    return frames;
  }

  /** The terminal event: completed, incomplete, or failed when the finish reason is an error. */
  private complete(): string[] {
    const { status, incomplete } = encodeFinishReason(this.finished ?? "error");
    if (status === "failed") return this.failed(new GatewayError("upstream", "The upstream ended the response with an error."));
    const response: WireResponse = {
      ...this.response!,
      status,
      incomplete_details: incomplete,
      output: this.output,
      usage: encodeUsage(this.usage),
      completed_at: status === "completed" ? Math.floor(Date.now() / 1000) : null,
    };
    return [this.frame(status === "completed" ? "response.completed" : "response.incomplete", { response })];
  }

  /** response.failed with what was produced so far; items still open are marked incomplete. */
  private failed(err: GatewayError): string[] {
    const frames = this.ensureStarted();
    for (const item of this.output) {
      if (item.type !== "reasoning" && item.status === "in_progress") item.status = "incomplete";
    }
    const response: WireResponse = {
      ...this.response!,
      status: "failed",
      error: responseError(err),
      output: this.output,
      usage: Object.keys(this.usage).length ? encodeUsage(this.usage) : null,
    };
    frames.push(this.frame("response.failed", { response }));
    return frames;
  }
}

/**
 * Order, as api.openai.com streams it: response.created, response.in_progress, then per output item
 * output_item.added … output_item.done (message: content_part.added, output_text.delta…,
 * output_text.done, content_part.done; reasoning: reasoning_summary_part.added,
 * reasoning_summary_text.delta…, reasoning_summary_text.done, reasoning_summary_part.done;
 * function_call: function_call_arguments.delta…, function_call_arguments.done), and last
 * response.completed / response.incomplete / response.failed carrying the whole response.
 * Text and reasoning items are sequential; function calls stay open until their own end, so parallel
 * calls whose argument deltas interleave each stream under their own output_index and item_id
 * (the official SDK routes every event by output_index, so this is accepted).
 */
export function createResponsesStreamEncoder(req: CanonicalRequest): StreamEncoder {
  return new ResponsesStreamEncoder(req);
}

export function encodeStream(events: AsyncIterable<CanonicalEvent>, req: CanonicalRequest): AsyncGenerator<string> {
  return encodeStreamWith(createResponsesStreamEncoder(req), events);
}
