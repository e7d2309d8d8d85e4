// Canonical stream events -> Anthropic SSE frames in the official order (start, ping, one block at a time, delta, stop).
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import { assertNever, type CanonicalEvent } from "../../canonical/response.ts";
import { sseFrame } from "../../canonical/sse.ts";
import { estimateTokens } from "../../canonical/token-estimate.ts";
import { thinkingSignatureForCall } from "../../canonical/tool-call-signature.ts";
import type { FinishReason, Usage } from "../../canonical/usage.ts";
import { encodeStreamWith } from "../stream-codecs.ts";
import type { StreamEncoder } from "../types.ts";
import { anthropicErrorType } from "./errors.ts";
import { encodeStopReason } from "./stop-reason.ts";
import { encodeInputUsage } from "./usage.ts";
import type { Json } from "./wire.ts";

/**
 * Parallel tool calls. Anthropic blocks cannot interleave, but canonical tool events can (OpenAI
 * streams args for calls 0,1,0,1). The first call opens its block; a call that starts while
 * another tool block is open waits in a queue and only its args are buffered. When the open call
 * ends, the next queued call opens, gets its buffer as one input_json_delta, and closes too if it
 * already ended. Text or thinking that arrives while a call is still streaming waits until every
 * call has ended (Anthropic allows text after tool_use blocks; a closed block cannot take more args,
 * so closing a call early would lose the rest of its arguments). Finish closes calls that never ended.
 */
interface ToolState {
  id: string;
  name: string;
  /** Gemini's thought signature: carried to the client in the thinking block before the call (tool-call-signature.ts). */
  signature?: string;
  buffer: string;
  ended: boolean;
  status: "queued" | "open" | "closed";
}

type OpenBlock =
  | { kind: "text"; index: number }
  | { kind: "thinking"; index: number; signature: string }
  | { kind: "tool"; index: number; tool: ToolState };

class AnthropicStreamWriter {
  done = false;
  private started = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  private readonly tools = new Map<number, ToolState>();
  private readonly queue: ToolState[] = [];
  private usage: Partial<Usage> = {};
  /** The gateway's count of the input, for message_start when the upstream reports none before its end. */
  inputEstimate: number | undefined;
  private sawToolCall = false;
  /** Text and thinking events held while tool calls stream (see above), replayed in order once they end. */
  private deferred: CanonicalEvent[] = [];

  constructor(private readonly model: string) {}

  push(event: CanonicalEvent, out: string[] = []): string[] {
    if (event.type !== "start" && event.type !== "error") this.ensureStarted(out);
    if (DEFERRABLE.has(event.type) && (this.toolsStreaming() || this.deferred.length > 0)) {
      this.deferred.push(event);
      return out;
    }
    switch (event.type) {
      case "start":
        this.mergeUsage(event.usage);
        this.ensureStarted(out, event.id, event.model);
        break;
      case "text-delta":
        if (event.text === "") break;
        this.drainTools(out);
        if (this.open?.kind !== "text") this.startBlock(out, { type: "text", text: "" }, { kind: "text", index: this.nextIndex });
        out.push(this.delta({ type: "text_delta", text: event.text }));
        break;
      case "reasoning-delta":
        if (event.text === "") break;
        this.ensureThinking(out);
        out.push(this.delta({ type: "thinking_delta", thinking: event.text }));
        break;
      case "reasoning-signature": {
        const block = this.ensureThinking(out);
        block.signature = event.signature;
        break;
      }
      case "redacted-reasoning":
        this.drainTools(out);
        this.closeOpen(out);
        out.push(
          frame("content_block_start", {
            type: "content_block_start",
            index: this.nextIndex,
            content_block: { type: "redacted_thinking", data: event.data },
          }),
        );
        out.push(frame("content_block_stop", { type: "content_block_stop", index: this.nextIndex++ }));
        break;
      case "tool-call-start": {
        this.sawToolCall = true;
        if (this.tools.has(event.index)) break;
        const tool: ToolState = {
          id: event.id,
          name: event.name,
          buffer: "",
          ended: false,
          status: "queued",
          ...(event.signature ? { signature: event.signature } : {}),
        };
        this.tools.set(event.index, tool);
        if (this.open?.kind === "tool" || this.queue.length > 0) this.queue.push(tool);
        else this.openTool(out, tool);
        break;
      }
      case "tool-args-delta": {
        const tool = this.tools.get(event.index);
        if (!tool || event.delta === "") break;
        if (tool.status === "open") out.push(this.delta({ type: "input_json_delta", partial_json: event.delta }));
        else if (tool.status === "queued") tool.buffer += event.delta;
        break;
      }
      case "tool-call-end": {
        const tool = this.tools.get(event.index);
        if (!tool) break;
        tool.ended = true;
        if (tool.status === "open") this.advanceTools(out);
        if (!this.toolsStreaming()) this.replayDeferred(out);
        break;
      }
      case "usage":
        this.mergeUsage(event.usage);
        break;
      case "finish":
        this.mergeUsage(event.usage);
        this.finish(out, event.reason, event.stopSequence);
        break;
      case "error":
        out.push(errorFrame(event.error));
        this.done = true;
        break;
      default:
        return assertNever(event, "canonical event");
    }
    return out;
  }

  /** The canonical stream ended without finish: Anthropic's own way of saying the stream failed. */
  end(): string[] {
    if (this.done) return [];
    this.done = true;
    return [errorFrame(new GatewayError("upstream", "The upstream stream ended before the answer was complete"))];
  }

  fail(err: GatewayError): string[] {
    if (this.done) return [];
    this.done = true;
    return [errorFrame(err)];
  }

  /** Usage counters are cumulative: a later report replaces each counter it carries. */
  private mergeUsage(usage: Partial<Usage> | undefined): void {
    if (!usage) return;
    for (const [key, value] of Object.entries(usage) as Array<[keyof Usage, number | undefined]>) {
      if (value !== undefined) this.usage[key] = value;
    }
  }

  private ensureStarted(out: string[], id?: string, model?: string): void {
    if (this.started) return;
    this.started = true;
    const message = {
      id: id || `msg_${crypto.randomUUID().replaceAll("-", "")}`,
      type: "message",
      role: "assistant",
      model: model || this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // Clients (LangChain's ChatAnthropic) read input tokens from message_start only, as the real API always fills it.
      usage: {
        ...encodeInputUsage(this.usage.inputTokens === undefined ? { ...this.usage, inputTokens: this.inputEstimate ?? 0 } : this.usage),
        output_tokens: 0,
      },
    };
    out.push(frame("message_start", { type: "message_start", message }));
    out.push(frame("ping", { type: "ping" }));
  }

  private delta(delta: Json): string {
    return frame("content_block_delta", { type: "content_block_delta", index: this.open!.index, delta });
  }

  private startBlock(out: string[], contentBlock: Json, block: OpenBlock): void {
    this.closeOpen(out);
    out.push(frame("content_block_start", { type: "content_block_start", index: block.index, content_block: contentBlock }));
    this.nextIndex = block.index + 1;
    this.open = block;
  }

  private ensureThinking(out: string[]): { signature: string } {
    this.drainTools(out);
    if (this.open?.kind === "thinking") return this.open;
    const block: OpenBlock = { kind: "thinking", index: this.nextIndex, signature: "" };
    this.startBlock(out, { type: "thinking", thinking: "", signature: "" }, block);
    return block;
  }

  private closeOpen(out: string[]): void {
    const block = this.open;
    if (!block) return;
    // The official stream always sends a thinking block's signature_delta just before its stop.
    if (block.kind === "thinking") out.push(this.delta({ type: "signature_delta", signature: block.signature }));
    if (block.kind === "tool") block.tool.status = "closed";
    out.push(frame("content_block_stop", { type: "content_block_stop", index: block.index }));
    this.open = undefined;
  }

  private openTool(out: string[], tool: ToolState): void {
    if (tool.signature) {
      const carrier = thinkingSignatureForCall(tool.id, tool.signature);
      if (this.open?.kind === "thinking" && !this.open.signature) this.open.signature = carrier;
      else
        this.startBlock(
          out,
          { type: "thinking", thinking: "", signature: "" },
          { kind: "thinking", index: this.nextIndex, signature: carrier },
        );
    }
    this.startBlock(out, { type: "tool_use", id: tool.id, name: tool.name, input: {} }, { kind: "tool", index: this.nextIndex, tool });
    tool.status = "open";
    if (tool.buffer) out.push(this.delta({ type: "input_json_delta", partial_json: tool.buffer }));
    tool.buffer = "";
  }

  /** Close the open (ended) tool and open queued ones in order until one is still streaming. */
  private advanceTools(out: string[]): void {
    this.closeOpen(out);
    let next = this.queue.shift();
    while (next) {
      this.openTool(out, next);
      if (!next.ended) return;
      this.closeOpen(out);
      next = this.queue.shift();
    }
  }

  /** A tool block is open or waiting in the queue: its arguments may still come. */
  private toolsStreaming(): boolean {
    return this.open?.kind === "tool" || this.queue.length > 0;
  }

  private replayDeferred(out: string[]): void {
    const held = this.deferred;
    this.deferred = [];
    for (const event of held) this.push(event, out);
  }

  /** Before any other block: every tool block opened, flushed and closed, in order. */
  private drainTools(out: string[]): void {
    if (this.open?.kind !== "tool" && this.queue.length === 0) return;
    if (this.open?.kind === "tool") this.closeOpen(out);
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      this.openTool(out, next);
      this.closeOpen(out);
    }
  }

  private finish(out: string[], reason: FinishReason, stopSequence: string | undefined): void {
    this.drainTools(out);
    this.replayDeferred(out);
    this.closeOpen(out);
    const usage: Json = { output_tokens: this.usage.outputTokens ?? 0 };
    if (this.usage.inputTokens !== undefined) Object.assign(usage, encodeInputUsage(this.usage));
    if (this.usage.reasoningTokens) usage.output_tokens_details = { thinking_tokens: this.usage.reasoningTokens };
    out.push(
      frame("message_delta", {
        type: "message_delta",
        delta: { stop_reason: encodeStopReason(reason, this.sawToolCall), stop_sequence: stopSequence ?? null },
        usage,
      }),
    );
    out.push(frame("message_stop", { type: "message_stop" }));
    this.done = true;
  }
}

/** Events that open text or thinking blocks: held back while a tool call's arguments may still arrive. */
const DEFERRABLE = new Set<CanonicalEvent["type"]>(["text-delta", "reasoning-delta", "reasoning-signature", "redacted-reasoning"]);

function frame(event: string, data: Json): string {
  return sseFrame(JSON.stringify(data), event);
}

function errorFrame(err: GatewayError): string {
  return frame("error", { type: "error", error: { type: anthropicErrorType(err.status), message: err.message } });
}

/**
 * The Anthropic push encoder for one stream. An upstream of another format tells input tokens at the end (or never):
 * message_start carries the gateway's estimate, made at the first event unless it is an error or a start that
 * reports input tokens (no vocabulary table: well under a millisecond for a long prompt).
 */
export function createAnthropicStreamEncoder(req: CanonicalRequest): StreamEncoder {
  const writer = new AnthropicStreamWriter(req.model);
  let first = true;
  return {
    push(event) {
      if (first) {
        first = false;
        if (event.type !== "error" && (event.type !== "start" || event.usage?.inputTokens === undefined))
          writer.inputEstimate = estimateTokens(req);
      }
      return writer.push(event);
    },
    get done() {
      return writer.done;
    },
    end: () => writer.end(),
    fail: (err) => writer.fail(err),
  };
}

export function encodeStream(events: AsyncIterable<CanonicalEvent>, req: CanonicalRequest): AsyncGenerator<string> {
  return encodeStreamWith(createAnthropicStreamEncoder(req), events);
}
