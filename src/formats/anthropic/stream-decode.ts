// Anthropic SSE events (message_start ... message_stop) -> canonical stream events: a push decoder, and decodeStream over it.
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalEvent } from "../../canonical/response.ts";
import type { SseEvent } from "../../canonical/sse.ts";
import { decodeStreamWith } from "../stream-codecs.ts";
import type { StreamDecoder } from "../types.ts";
import type { FinishReason } from "../../canonical/usage.ts";
import { gatewayErrorFrom } from "./errors.ts";
import { decodeStopReason } from "./stop-reason.ts";
import { countsToUsage, mergeCounts, readCounts, type RawCounts } from "./usage.ts";
import { isRecord, type Json } from "./wire.ts";

interface BlockState {
  kind: "text" | "thinking" | "tool" | "other";
  /** Position among this message's tool_use blocks. */
  tool?: number;
  /** Input given whole in content_block_start (some compatible upstreams), sent if no delta follows. */
  startInput?: string;
  sawDelta?: boolean;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** What push returns for an event that makes no canonical event (never mutated: callers only read it). */
const NOTHING: CanonicalEvent[] = [];

/** One Messages stream's state between events: its blocks, tool count, usage counts and stop reason. */
class MessagesStreamDecoder implements StreamDecoder {
  done = false;
  /** message_stop or an error was decoded, or end() already ran: end() adds nothing. */
  private closed = false;
  private readonly blocks = new Map<number, BlockState>();
  private toolCount = 0;
  private counts: RawCounts = {};
  private reason: FinishReason | undefined;
  private stopSequence: string | undefined;
  private started = false;

  push(sse: SseEvent): CanonicalEvent[] {
    if (this.done) return NOTHING;
    let data: unknown;
    try {
      data = JSON.parse(sse.data);
    } catch {
      return this.close({
        type: "error",
        error: new GatewayError("upstream", `The upstream sent a stream event that is not JSON: ${sse.data.slice(0, 200)}`),
      });
    }
    if (!isRecord(data)) return NOTHING;
    const type = typeof data.type === "string" ? data.type : sse.event;
    if (type === "error") return this.close({ type: "error", error: gatewayErrorFrom(data.error) });
    if (type === "message_start") {
      const message = isRecord(data.message) ? data.message : {};
      this.counts = readCounts(message.usage);
      this.started = true;
      return [
        {
          type: "start",
          id: str(message.id),
          model: str(message.model),
          created: Math.floor(Date.now() / 1000),
          usage: countsToUsage(this.counts),
        },
      ];
    }
    if (
      type !== "content_block_start" &&
      type !== "content_block_delta" &&
      type !== "content_block_stop" &&
      type !== "message_delta" &&
      type !== "message_stop"
    )
      return NOTHING; // ping, and event types newer than this code

    const out: CanonicalEvent[] = [];
    if (!this.started) {
      this.started = true;
      out.push({ type: "start", id: "", model: "", created: Math.floor(Date.now() / 1000) });
    }
    const index = typeof data.index === "number" ? data.index : -1;
    switch (type) {
      case "content_block_start":
        this.blockStart(index, isRecord(data.content_block) ? data.content_block : {}, out);
        break;
      case "content_block_delta":
        this.blockDelta(index, isRecord(data.delta) ? data.delta : {}, out);
        break;
      case "content_block_stop": {
        const state = this.blocks.get(index);
        if (state?.kind === "tool") {
          if (state.startInput && !state.sawDelta) out.push({ type: "tool-args-delta", index: state.tool!, delta: state.startInput });
          out.push({ type: "tool-call-end", index: state.tool! });
        }
        break;
      }
      case "message_delta": {
        const delta: Json = isRecord(data.delta) ? data.delta : {};
        if (delta.stop_reason != null) this.reason = decodeStopReason(delta.stop_reason);
        if (typeof delta.stop_sequence === "string") this.stopSequence = delta.stop_sequence;
        this.counts = mergeCounts(this.counts, readCounts(data.usage));
        out.push({ type: "usage", usage: countsToUsage(this.counts) });
        break;
      }
      case "message_stop":
        this.done = true;
        this.closed = true;
        out.push({
          type: "finish",
          reason: this.reason ?? "stop",
          ...(this.stopSequence !== undefined ? { stopSequence: this.stopSequence } : {}),
          usage: countsToUsage(this.counts),
        });
        break;
    }
    return out;
  }

  private blockStart(index: number, block: Json, out: CanonicalEvent[]): void {
    if (block.type === "text") {
      this.blocks.set(index, { kind: "text" });
      if (str(block.text)) out.push({ type: "text-delta", text: str(block.text) });
    } else if (block.type === "thinking") {
      this.blocks.set(index, { kind: "thinking" });
      if (str(block.thinking)) out.push({ type: "reasoning-delta", text: str(block.thinking) });
      if (str(block.signature)) out.push({ type: "reasoning-signature", signature: str(block.signature) });
    } else if (block.type === "redacted_thinking") {
      this.blocks.set(index, { kind: "other" });
      out.push({ type: "redacted-reasoning", data: str(block.data) });
    } else if (block.type === "tool_use") {
      const state: BlockState = { kind: "tool", tool: this.toolCount++ };
      if (isRecord(block.input) && Object.keys(block.input).length > 0) state.startInput = JSON.stringify(block.input);
      this.blocks.set(index, state);
      out.push({ type: "tool-call-start", index: state.tool!, id: str(block.id), name: str(block.name) });
    } else {
      this.blocks.set(index, { kind: "other" }); // server tool blocks: no canonical event
    }
  }

  private blockDelta(index: number, delta: Json, out: CanonicalEvent[]): void {
    if (delta.type === "text_delta") {
      if (str(delta.text)) out.push({ type: "text-delta", text: str(delta.text) });
    } else if (delta.type === "thinking_delta") {
      if (str(delta.thinking)) out.push({ type: "reasoning-delta", text: str(delta.thinking) });
    } else if (delta.type === "signature_delta") {
      out.push({ type: "reasoning-signature", signature: str(delta.signature) });
    } else if (delta.type === "input_json_delta") {
      const state = this.blocks.get(index);
      if (state?.kind !== "tool") return;
      state.sawDelta = true;
      if (str(delta.partial_json)) out.push({ type: "tool-args-delta", index: state.tool!, delta: str(delta.partial_json) });
    }
  }

  /** An error decoded: it is the stream's last event. */
  private close(event: CanonicalEvent): CanonicalEvent[] {
    this.done = true;
    this.closed = true;
    return [event];
  }

  /** The events ended: before message_stop, the answer is incomplete (an error); after it or an error, nothing. */
  end(): CanonicalEvent[] {
    if (this.closed) return NOTHING;
    this.done = true;
    this.closed = true;
    return [
      { type: "error", error: new GatewayError("upstream", "The upstream stream ended before message_stop: the answer is incomplete") },
    ];
  }
}

/** A decoder for one upstream Messages stream, fed one SSE event at a time. */
export function createAnthropicStreamDecoder(): StreamDecoder {
  return new MessagesStreamDecoder();
}

export const decodeStream = (events: AsyncIterable<SseEvent>): AsyncIterable<CanonicalEvent> =>
  decodeStreamWith(createAnthropicStreamDecoder(), events);
