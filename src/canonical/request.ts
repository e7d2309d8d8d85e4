// The canonical request: our own model of a chat request, richer than any one wire format.
// Every format decodes into it and encodes from it; nothing here knows a wire format.

export type ImageSource = { kind: "base64"; mediaType: string; data: string } | { kind: "url"; url: string };

export interface TextPart {
  type: "text";
  text: string;
  cacheControl?: unknown;
}
export interface ImagePart {
  type: "image";
  source: ImageSource;
  detail?: string;
}
export interface FilePart {
  type: "file";
  mediaType: string;
  data?: string;
  url?: string;
  filename?: string;
}
export interface ToolCallPart {
  type: "tool-call";
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
  /** Opaque per-call data some providers require back on the next turn (e.g. Gemini thought signatures). */
  signature?: string;
}
export interface ToolResultPart {
  type: "tool-result";
  callId: string;
  /** The tool's name when the format carries it (Gemini needs it; Anthropic does not). */
  name?: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
}
export interface ThinkingPart {
  type: "thinking";
  text: string;
  /** Anthropic's signature (or another provider's opaque proof), round-tripped unchanged. */
  signature?: string;
}
export interface RedactedThinkingPart {
  type: "redacted-thinking";
  data: string;
}

export type ContentPart = TextPart | ImagePart | FilePart | ToolCallPart | ToolResultPart | ThinkingPart | RedactedThinkingPart;

/**
 * A turn. `system` turns keep their position (Claude Code and OpenAI clients put them inside the
 * history); formats that only have one system slot hoist them. Tool results travel as parts of a
 * `user` turn, the way Anthropic and Gemini model them; OpenAI's `tool` messages map to that.
 */
export interface Message {
  role: "system" | "user" | "assistant";
  content: ContentPart[];
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoice = { type: "auto" } | { type: "none" } | { type: "required" } | { type: "tool"; name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

export type ReasoningEffort = "minimal" | "low" | "medium" | "high";

export interface ReasoningConfig {
  /** Off means the client explicitly disabled thinking. */
  enabled?: boolean;
  effort?: ReasoningEffort;
  budgetTokens?: number;
}

export interface CanonicalRequest {
  model: string;
  messages: Message[];
  stream: boolean;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  reasoning?: ReasoningConfig;
  responseFormat?: ResponseFormat;
  user?: string;
  /**
   * Fields the source format has and this model does not, keyed by the source format's own name.
   * An encoder of the same format passes them through; another format reports them as dropped.
   */
  extra: Record<string, unknown>;
  /** The format `extra` came from; only an encoder of that same format may pass it through. */
  extraFormat?: string;
}
