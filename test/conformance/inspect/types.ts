// What every upstream inspector reads out of a recorded upstream request body, in its own wire format.
import type { FormatId } from "../../../src/formats/types.ts";

/** An assistant tool call replayed in the conversation history. */
export interface SeenCall {
  /** The format's link id (tool_calls[].id, tool_use.id, call_id; Gemini's optional functionCall.id). */
  id?: string;
  name: string;
  args: unknown;
}

/** A tool result in the conversation, with whatever links it to its call in this format. */
export interface SeenResult {
  callId?: string;
  /** Gemini links by name (and an optional id). */
  name?: string;
  /** The result as text (Gemini's `response` object as JSON). */
  content: string;
  /** Index of the message / content / item holding it, to check that parallel results travel together where the format needs it. */
  turn: number;
}

export interface SeenImage {
  mediaType: string;
  data: string;
}

export interface Inspector {
  format: FormatId;
  /** Does this request ask for a streamed answer? */
  streamed(req: { path: string; body: any }): boolean;
  system(body: any): string;
  userText(body: any): string;
  toolNames(body: any): string[];
  /** The JSON Schema (or Gemini schema) of a named tool's arguments. */
  toolSchema(body: any, name: string): any;
  calls(body: any): SeenCall[];
  results(body: any): SeenResult[];
  images(body: any): SeenImage[];
  /** The output token limit the request sets. */
  maxTokens(body: any): number | undefined;
  /** The opaque thinking signatures replayed in the history (signature, thoughtSignature, encrypted_content). */
  thinkingSignatures(body: any): string[];
  /** Did the request ask for thinking / reasoning in this format's own way? */
  thinkingRequested(body: any): boolean;
  /** Links results to calls the way this format does: by id, or for Gemini by name (and id when both have one). */
  linked(call: SeenCall, result: SeenResult): boolean;
  /** True when the format requires all results of one parallel answer in one message/content. */
  groupsParallelResults: boolean;
}

export const textOf = (content: unknown): string => {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((p: any) => (typeof p === "string" ? p : typeof p?.text === "string" ? p.text : "")).join("");
  return content === undefined || content === null ? "" : JSON.stringify(content);
};

export function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    return { __unparsed: text };
  }
}

/** `data:<type>;base64,<data>` as its parts. */
export function dataUrl(url: unknown): SeenImage | undefined {
  if (typeof url !== "string") return undefined;
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1]!, data: m[2]! } : undefined;
}
