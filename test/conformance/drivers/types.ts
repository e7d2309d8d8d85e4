// The one interface every ingress driver (an official SDK talking to the gateway) implements, and its normalized result.
import type { FormatId } from "../../../src/formats/types.ts";

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/** One client request, described independently of the wire format. */
export interface Ask {
  model: string;
  stream: boolean;
  prompt: string;
  system?: string;
  image?: { mediaType: string; data: string };
  tools?: ToolSpec[];
  /** Ask for thinking / reasoning the way the format asks for it. */
  thinking?: boolean;
  /** Responses only: let the gateway keep the answer (`store`), for previous_response_id and item_reference. */
  store?: boolean;
}

export interface ToolOutput {
  /** The id the client saw on the call. */
  callId: string;
  name: string;
  output: string;
}

export interface ClientToolCall {
  id: string;
  name: string;
  args: unknown;
}

/** An error as the SDK surfaced it, with the format's own error body when there was one. */
export interface ClientError {
  status?: number;
  /** The format's error kind: OpenAI `type`, Anthropic `error.type`, Gemini `status`. */
  type?: string;
  message: string;
  /** True when the body had the format's documented error shape. */
  shaped: boolean;
  raw: unknown;
}

export interface Turn {
  text: string;
  thinking: string;
  /** Anthropic only: the signature of the thinking block (undefined in the other formats). */
  thinkingSignature?: string;
  toolCalls: ClientToolCall[];
  /**
   * Usage in canonical terms, read the way each format defines it: `input` counts every prompt token
   * (cached included), `cached` the part read from a cache, `reasoning` the thinking part of `output`
   * (undefined where the format does not report it).
   */
  usage?: { input: number; output: number; cached: number; reasoning?: number };
  /** The format's own finish value: finish_reason, stop_reason, status or finishReason. */
  finish?: string;
  error?: ClientError;
  /** The format's own final answer object, kept so the driver can build the next turn from it. */
  raw: unknown;
}

export interface Driver {
  format: FormatId;
  /** The finish values this format uses for a finished text answer, a tool-call answer and a max-tokens cut. */
  finish: { text: string; tools: string; length: string };
  /** True when the format names a thinking block's signature (Anthropic). */
  hasThinkingSignature: boolean;
  send(ask: Ask): Promise<Turn>;
  /** Turn 2 of a tool round trip: the turn-1 conversation, the assistant's calls as received, and the results. */
  sendToolResults(ask: Ask, previous: Turn, outputs: ToolOutput[]): Promise<Turn>;
  /** A next user message after the turn-1 answer, replayed as the client got it (thinking and its signature included). */
  sendFollowUp(ask: Ask, previous: Turn, prompt: string): Promise<Turn>;
  /** Responses only: the next user message sent with previous_response_id instead of the history. */
  sendWithPrevious?(ask: Ask, previous: Turn, prompt: string): Promise<Turn>;
  /** Responses only: the history sent back with item_reference for every item of the turn-1 answer. */
  sendWithReferences?(ask: Ask, previous: Turn, prompt: string): Promise<Turn>;
}

export const emptyTurn = (raw: unknown = undefined): Turn => ({ text: "", thinking: "", toolCalls: [], raw });

export function parseArgs(text: string | undefined): unknown {
  if (text === undefined || text === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return { __unparsed: text };
  }
}
