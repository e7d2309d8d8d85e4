// The OpenAI Responses wire shapes this module reads and writes, and small narrowing helpers for them.

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** `{type:"output_text"}` content of an output message. */
export interface OutputText {
  type: "output_text";
  text: string;
  annotations: unknown[];
  logprobs?: unknown[];
}

export interface OutputRefusal {
  type: "refusal";
  refusal: string;
}

export interface SummaryText {
  type: "summary_text";
  text: string;
}

export type ItemStatus = "in_progress" | "completed" | "incomplete";

export interface MessageItem {
  id: string;
  type: "message";
  status: ItemStatus;
  role: "assistant";
  content: Array<OutputText | OutputRefusal>;
}

export interface ReasoningItem {
  id: string;
  type: "reasoning";
  summary: SummaryText[];
  encrypted_content?: string;
  status?: ItemStatus;
}

export interface FunctionCallItem {
  id: string;
  type: "function_call";
  status: ItemStatus;
  arguments: string;
  call_id: string;
  name: string;
}

/** A call to a `type: "custom"` tool (free-form text input, e.g. Codex's apply_patch). */
export interface CustomToolCallItem {
  id: string;
  type: "custom_tool_call";
  status: ItemStatus;
  input: string;
  call_id: string;
  name: string;
}

export type OutputItem = MessageItem | ReasoningItem | FunctionCallItem | CustomToolCallItem;

export interface WireUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface WireError {
  code: string;
  message: string;
  type?: string;
  param?: string | null;
}

export type ResponseStatus = "completed" | "failed" | "in_progress" | "incomplete";

/** The `response` object: the non-streamed body and the payload of lifecycle stream events. */
export interface WireResponse {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  error: WireError | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: Json | null;
  store: boolean;
  temperature: number | null;
  text: Json;
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: string;
  usage: WireUsage | null;
  user: string | null;
  metadata: Json;
  background: boolean;
  /** Required (nullable) in the official Response schema; null: the standard access program. */
  access_programs: null;
}
