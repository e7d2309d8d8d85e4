// The Gemini generativelanguage v1beta wire shapes this module reads and writes, and narrowing helpers.

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

export interface GeminiBlob {
  mimeType: string;
  data: string;
  displayName?: string;
}
export interface GeminiFileData {
  mimeType?: string;
  fileUri: string;
  displayName?: string;
}
export interface GeminiFunctionCall {
  id?: string;
  name: string;
  args: Json;
}
export interface GeminiFunctionResponsePart {
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
}
export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  response: Json;
  parts?: GeminiFunctionResponsePart[];
}

/** One `Part`: exactly one data field, plus the thought flag and the opaque thought signature. */
export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
}

export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  index?: number;
}

/** A `GenerateContentResponse`: the whole answer, or one streamed chunk of it. */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

/** The `{error:{code,message,status}}` body Google APIs answer errors with. */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: Json[] };
}

function hex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const b of buf) out += b.toString(16).padStart(2, "0");
  return out;
}

/** A tool-call id for a functionCall Gemini sent without one (ids stay under OpenAI's 40 chars). */
export function newCallId(): string {
  return `call_${hex(12)}`;
}

export function newResponseId(): string {
  return hex(12);
}
