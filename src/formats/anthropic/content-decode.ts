// Anthropic content blocks (request side) -> canonical content parts; what parts cannot hold goes to ContentExtra.
import type { ContentPart, ImagePart, ImageSource, TextPart } from "../../canonical/request.ts";
import { invalid, isRecord, leftover, type ContentExtra, type Json } from "./wire.ts";

/** Decodes one message's `content` (string or blocks); pushes what canonical lacks onto `extras`. */
export function decodeContent(content: unknown, message: number, path: string, extras: ContentExtra[]): ContentPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw invalid(`${path} must be a string or an array of content blocks`, path);
  const parts: ContentPart[] = [];
  content.forEach((block, j) => {
    const at = `${path}[${j}]`;
    const part = decodeBlock(block, at, message, parts.length, extras);
    if (part) parts.push(part);
    else extras.push({ message, part: parts.length, block: block as Json });
  });
  return parts;
}

function requireString(block: Json, key: string, at: string): string {
  const value = block[key];
  if (typeof value !== "string") throw invalid(`${at}.${key} must be a string`, `${at}.${key}`);
  return value;
}

function withFields(extras: ContentExtra[], entry: Omit<ContentExtra, "fields">, fields: Json | undefined): void {
  if (fields) extras.push({ ...entry, fields });
}

/** A part for a block canonical can hold, or undefined for a block to keep whole in extras. */
function decodeBlock(block: unknown, at: string, message: number, part: number, extras: ContentExtra[]): ContentPart | undefined {
  if (!isRecord(block) || typeof block.type !== "string") throw invalid(`${at} must be a content block with a string type`, `${at}.type`);
  switch (block.type) {
    case "text": {
      withFields(extras, { message, part }, leftover(block, ["type", "text", "cache_control"]));
      return textPart(block, at);
    }
    case "image": {
      const source = imageSource(block.source, `${at}.source`);
      if (!source) return undefined;
      withFields(extras, { message, part }, leftover(block, ["type", "source"]));
      return { type: "image", source };
    }
    case "document": {
      const file = documentFile(block, `${at}.source`);
      if (!file) return undefined;
      withFields(extras, { message, part }, leftover(block, ["type", "source", "title"]));
      return file;
    }
    case "tool_use": {
      withFields(extras, { message, part }, leftover(block, ["type", "id", "name", "input"]));
      return {
        type: "tool-call",
        id: requireString(block, "id", at),
        name: requireString(block, "name", at),
        arguments: JSON.stringify(block.input ?? {}),
      };
    }
    case "tool_result": {
      withFields(extras, { message, part }, leftover(block, ["type", "tool_use_id", "content", "is_error"]));
      const content = toolResultContent(block.content, `${at}.content`, message, part, extras);
      const result: ContentPart = { type: "tool-result", callId: requireString(block, "tool_use_id", at), content };
      if (typeof block.is_error === "boolean") result.isError = block.is_error;
      return result;
    }
    case "thinking": {
      withFields(extras, { message, part }, leftover(block, ["type", "thinking", "signature"]));
      const signature = typeof block.signature === "string" ? block.signature : undefined;
      return { type: "thinking", text: requireString(block, "thinking", at), ...(signature !== undefined ? { signature } : {}) };
    }
    case "redacted_thinking":
      return { type: "redacted-thinking", data: requireString(block, "data", at) };
    default:
      return undefined;
  }
}

function textPart(block: Json, at: string): TextPart {
  const part: TextPart = { type: "text", text: requireString(block, "text", at) };
  if (block.cache_control != null) part.cacheControl = block.cache_control;
  return part;
}

/** base64 and url sources; undefined for a source canonical cannot hold (a Files API file_id). */
function imageSource(source: unknown, at: string): ImageSource | undefined {
  if (!isRecord(source)) throw invalid(`${at} must be an object`, at);
  if (source.type === "base64")
    return { kind: "base64", mediaType: requireString(source, "media_type", at), data: requireString(source, "data", at) };
  if (source.type === "url") return { kind: "url", url: requireString(source, "url", at) };
  return undefined;
}

function documentFile(block: Json, at: string): ContentPart | undefined {
  const source = block.source;
  if (!isRecord(source)) throw invalid(`${at} must be an object`, at);
  const filename = typeof block.title === "string" ? { filename: block.title } : {};
  if (source.type === "base64")
    return { type: "file", mediaType: requireString(source, "media_type", at), data: requireString(source, "data", at), ...filename };
  if (source.type === "url") return { type: "file", mediaType: "application/pdf", url: requireString(source, "url", at), ...filename };
  if (source.type === "text") {
    // Canonical file data is base64; Anthropic's plain-text source carries the text itself.
    return {
      type: "file",
      mediaType: "text/plain",
      data: Buffer.from(requireString(source, "data", at), "utf8").toString("base64"),
      ...filename,
    };
  }
  return undefined;
}

function toolResultContent(
  content: unknown,
  at: string,
  message: number,
  part: number,
  extras: ContentExtra[],
): Array<TextPart | ImagePart> {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw invalid(`${at} must be a string or an array of content blocks`, at);
  const out: Array<TextPart | ImagePart> = [];
  content.forEach((block, j) => {
    const inner = `${at}[${j}]`;
    if (!isRecord(block) || typeof block.type !== "string")
      throw invalid(`${inner} must be a content block with a string type`, `${inner}.type`);
    if (block.type === "text") {
      withFields(extras, { message, part, inner: out.length }, leftover(block, ["type", "text", "cache_control"]));
      out.push(textPart(block, inner));
      return;
    }
    const source = block.type === "image" ? imageSource(block.source, `${inner}.source`) : undefined;
    if (source) {
      withFields(extras, { message, part, inner: out.length }, leftover(block, ["type", "source"]));
      out.push({ type: "image", source });
      return;
    }
    extras.push({ message, part, inner: out.length, block });
  });
  return out;
}
