// Small shared pieces of the Anthropic wire shape: narrowing helpers and the `extra` records for what canonical lacks.
import { GatewayError } from "../../canonical/errors.ts";

export const FORMAT_ID = "anthropic";

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function invalid(message: string, param: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}

/** The keys of `obj` other than `known`, or undefined when there are none. */
export function leftover(obj: Json, known: readonly string[]): Json | undefined {
  let out: Json | undefined;
  for (const [key, value] of Object.entries(obj)) {
    if (known.includes(key) || value === undefined) continue;
    (out ??= {})[key] = value;
  }
  return out;
}

/**
 * `extra["messages.content"]`: content the canonical parts cannot hold, by position, so that an
 * Anthropic -> Anthropic translation (the common case behind a model alias) loses nothing.
 * - `block`: a whole block of a type canonical lacks (server_tool_use, web_search_tool_result,
 *   search_result, container_upload, a document with a file_id source, ...), placed before
 *   canonical part `part` of canonical message `message` (part === content.length: at the end).
 * - `fields`: wire fields of the block decoded into part `part` that the part has no room for
 *   (cache_control on an image or a tool_result, citations, a document's context, a tool_use caller...).
 * `inner` addresses the same inside the `content` of the tool_result at `part`.
 */
export interface ContentExtra {
  message: number;
  part: number;
  inner?: number;
  block?: Json;
  fields?: Json;
}

/** `extra["tools"]`: server tools (web_search, bash, ...) placed before canonical tool `index`, or fields of custom tool `index`. */
export interface ToolExtra {
  index: number;
  tool?: Json;
  fields?: Json;
}

export const CONTENT_EXTRA_KEY = "messages.content";

export function contentExtras(extra: Json): ContentExtra[] {
  const list = extra[CONTENT_EXTRA_KEY];
  return Array.isArray(list)
    ? list.filter((e): e is ContentExtra => isRecord(e) && typeof e.message === "number" && typeof e.part === "number")
    : [];
}

export function toolExtras(extra: Json): ToolExtra[] {
  const list = extra.tools;
  return Array.isArray(list) ? list.filter((e): e is ToolExtra => isRecord(e) && typeof e.index === "number") : [];
}
