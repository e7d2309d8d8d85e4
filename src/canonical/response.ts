// The canonical non-streamed response and the canonical stream events every format maps to and from.
import type { RedactedThinkingPart, TextPart, ThinkingPart, ToolCallPart } from "./request.ts";
import type { FinishReason, Usage } from "./usage.ts";
import type { GatewayError } from "./errors.ts";

export type OutputPart = TextPart | ThinkingPart | RedactedThinkingPart | ToolCallPart;

export interface CanonicalResponse {
  id: string;
  model: string;
  content: OutputPart[];
  finishReason: FinishReason;
  /** The matched stop sequence, when finishReason is "stop-sequence". */
  stopSequence?: string;
  usage: Usage;
  /** Unix seconds. */
  created: number;
}

/**
 * One union of stream events. Text, reasoning and tool calls arrive as deltas; an encoder opens and
 * closes its own blocks from the order in which they come. `index` on tool events is the tool call's
 * position among the tool calls of this response (0, 1, ...), which is how parallel calls interleave.
 */
export type CanonicalEvent =
  | { type: "start"; id: string; model: string; created: number; usage?: Partial<Usage> }
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  | { type: "reasoning-signature"; signature: string }
  | { type: "redacted-reasoning"; data: string }
  | { type: "tool-call-start"; index: number; id: string; name: string; signature?: string }
  | { type: "tool-args-delta"; index: number; delta: string }
  | { type: "tool-call-end"; index: number }
  | { type: "usage"; usage: Partial<Usage> }
  | { type: "finish"; reason: FinishReason; stopSequence?: string; usage?: Partial<Usage> }
  | { type: "error"; error: GatewayError };

export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
