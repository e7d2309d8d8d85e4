// Anthropic SSE events (message_start ... message_stop) -> canonical stream events, one as each arrives.
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalEvent } from "../../canonical/response.ts";
import type { SseEvent } from "../../canonical/sse.ts";
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

export async function* decodeStream(events: AsyncIterable<SseEvent>): AsyncGenerator<CanonicalEvent> {
  const blocks = new Map<number, BlockState>();
  let toolCount = 0;
  let counts: RawCounts = {};
  let reason: FinishReason | undefined;
  let stopSequence: string | undefined;
  let started = false;

  for await (const sse of events) {
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
    const type = typeof data.type === "string" ? data.type : sse.event;
    if (type === "error") {
      yield { type: "error", error: gatewayErrorFrom(data.error) };
      return;
    }
    if (type === "message_start") {
      const message = isRecord(data.message) ? data.message : {};
      counts = readCounts(message.usage);
      started = true;
      yield {
        type: "start",
        id: str(message.id),
        model: str(message.model),
        created: Math.floor(Date.now() / 1000),
        usage: countsToUsage(counts),
      };
      continue;
    }
    if (
      type !== "content_block_start" &&
      type !== "content_block_delta" &&
      type !== "content_block_stop" &&
      type !== "message_delta" &&
      type !== "message_stop"
    )
      continue; // ping, and event types newer than this code

    if (!started) {
      started = true;
      yield { type: "start", id: "", model: "", created: Math.floor(Date.now() / 1000) };
    }
    const index = typeof data.index === "number" ? data.index : -1;
    switch (type) {
      case "content_block_start": {
        const block: Json = isRecord(data.content_block) ? data.content_block : {};
        if (block.type === "text") {
          blocks.set(index, { kind: "text" });
          if (str(block.text)) yield { type: "text-delta", text: str(block.text) };
        } else if (block.type === "thinking") {
          blocks.set(index, { kind: "thinking" });
          if (str(block.thinking)) yield { type: "reasoning-delta", text: str(block.thinking) };
          if (str(block.signature)) yield { type: "reasoning-signature", signature: str(block.signature) };
        } else if (block.type === "redacted_thinking") {
          blocks.set(index, { kind: "other" });
          yield { type: "redacted-reasoning", data: str(block.data) };
        } else if (block.type === "tool_use") {
          const state: BlockState = { kind: "tool", tool: toolCount++ };
          if (isRecord(block.input) && Object.keys(block.input).length > 0) state.startInput = JSON.stringify(block.input);
          blocks.set(index, state);
          yield { type: "tool-call-start", index: state.tool!, id: str(block.id), name: str(block.name) };
        } else {
          blocks.set(index, { kind: "other" }); // server tool blocks: no canonical event
        }
        break;
      }
      case "content_block_delta": {
        const delta: Json = isRecord(data.delta) ? data.delta : {};
        const state = blocks.get(index);
        if (delta.type === "text_delta") {
          if (str(delta.text)) yield { type: "text-delta", text: str(delta.text) };
        } else if (delta.type === "thinking_delta") {
          if (str(delta.thinking)) yield { type: "reasoning-delta", text: str(delta.thinking) };
        } else if (delta.type === "signature_delta") {
          yield { type: "reasoning-signature", signature: str(delta.signature) };
        } else if (delta.type === "input_json_delta" && state?.kind === "tool") {
          state.sawDelta = true;
          if (str(delta.partial_json)) yield { type: "tool-args-delta", index: state.tool!, delta: str(delta.partial_json) };
        }
        break;
      }
      case "content_block_stop": {
        const state = blocks.get(index);
        if (state?.kind === "tool") {
          if (state.startInput && !state.sawDelta) yield { type: "tool-args-delta", index: state.tool!, delta: state.startInput };
          yield { type: "tool-call-end", index: state.tool! };
        }
        break;
      }
      case "message_delta": {
        const delta: Json = isRecord(data.delta) ? data.delta : {};
        if (delta.stop_reason != null) reason = decodeStopReason(delta.stop_reason);
        if (typeof delta.stop_sequence === "string") stopSequence = delta.stop_sequence;
        counts = mergeCounts(counts, readCounts(data.usage));
        yield { type: "usage", usage: countsToUsage(counts) };
        break;
      }
      case "message_stop": {
        yield {
          type: "finish",
          reason: reason ?? "stop",
          ...(stopSequence !== undefined ? { stopSequence } : {}),
          usage: countsToUsage(counts),
        };
        return;
      }
    }
  }
  yield { type: "error", error: new GatewayError("upstream", "The upstream stream ended before message_stop: the answer is incomplete") };
}
