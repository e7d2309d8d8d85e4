// Canonical content parts -> Anthropic content blocks for one message, re-applying same-format ContentExtra.
import type { ContentPart, FilePart, ImagePart, ImageSource, Message, TextPart } from "../../canonical/request.ts";
import { assertNever } from "../../canonical/response.ts";
import { isRecord, type ContentExtra, type Json } from "./wire.ts";

export interface ContentEncodeContext {
  /** Same-format extras for this request (empty when the request came from another format). */
  extras: ContentExtra[];
  dropped: Set<string>;
}

/** The blocks of canonical message `index`, with kept blocks re-inserted and kept fields merged back. */
export function encodeMessageBlocks(message: Message, index: number, ctx: ContentEncodeContext): Json[] {
  const here = ctx.extras.filter((e) => e.message === index);
  const top = here.filter((e) => e.inner === undefined);
  const blocks: Json[] = [];
  const keptBefore = (k: number) => top.filter((e) => e.block && e.part === k).map((e) => e.block as Json);
  message.content.forEach((part, k) => {
    blocks.push(...keptBefore(k));
    const block = encodePart(
      part,
      ctx,
      here.filter((e) => e.inner !== undefined && e.part === k),
    );
    if (!block) return;
    for (const e of top) if (e.fields && e.part === k) Object.assign(block, e.fields);
    blocks.push(block);
  });
  blocks.push(...keptBefore(message.content.length));
  return blocks;
}

function encodePart(part: ContentPart, ctx: ContentEncodeContext, inner: ContentExtra[]): Json | undefined {
  switch (part.type) {
    case "text":
      return textBlock(part);
    case "image":
      if (part.detail !== undefined) ctx.dropped.add("image.detail");
      return imageBlock(part.source);
    case "file":
      return fileBlock(part, ctx);
    case "tool-call":
      if (part.signature !== undefined) ctx.dropped.add("tool-call.signature");
      return { type: "tool_use", id: part.id, name: part.name, input: parseArguments(part.arguments) };
    case "tool-result":
      return toolResultBlock(part.callId, part.content, part.isError, inner);
    case "thinking":
      // Anthropic verifies the signature of every thinking block it gets back; one without cannot be sent.
      if (!part.signature) {
        ctx.dropped.add("thinking");
        return undefined;
      }
      return { type: "thinking", thinking: part.text, signature: part.signature };
    case "redacted-thinking":
      return { type: "redacted_thinking", data: part.data };
    default:
      return assertNever(part, "content part");
  }
}

/** Anthropic rejects empty text blocks, so an empty text part carries nothing to send. */
function textBlock(part: TextPart): Json | undefined {
  if (part.text === "") return undefined;
  const block: Json = { type: "text", text: part.text };
  if (part.cacheControl !== undefined) block.cache_control = part.cacheControl;
  return block;
}

/** Tool arguments are JSON text in canonical and an object on the wire; unparsable or non-object text becomes {}. */
export function parseArguments(text: string): Json {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

function dataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1], data: match[2] } : undefined;
}

function imageBlock(source: ImageSource): Json {
  if (source.kind === "base64") return { type: "image", source: { type: "base64", media_type: source.mediaType, data: source.data } };
  const inline = dataUrl(source.url);
  if (inline) return { type: "image", source: { type: "base64", media_type: inline.mediaType, data: inline.data } };
  return { type: "image", source: { type: "url", url: source.url } };
}

/** PDFs and plain text become documents, images become image blocks; other files have no Anthropic block. */
function fileBlock(part: FilePart, ctx: ContentEncodeContext): Json | undefined {
  const title = part.filename !== undefined ? { title: part.filename } : {};
  const inline = part.url ? dataUrl(part.url) : undefined;
  const data = part.data ?? inline?.data;
  if (part.mediaType.startsWith("image/")) {
    if (data !== undefined) return imageBlock({ kind: "base64", mediaType: part.mediaType, data });
    if (part.url) return imageBlock({ kind: "url", url: part.url });
  }
  if (part.mediaType === "application/pdf") {
    if (data !== undefined) return { type: "document", source: { type: "base64", media_type: "application/pdf", data }, ...title };
    if (part.url) return { type: "document", source: { type: "url", url: part.url }, ...title };
  }
  if (part.mediaType === "text/plain" && data !== undefined) {
    return {
      type: "document",
      source: { type: "text", media_type: "text/plain", data: Buffer.from(data, "base64").toString("utf8") },
      ...title,
    };
  }
  ctx.dropped.add(`file(${part.mediaType})`);
  return undefined;
}

function toolResultBlock(callId: string, content: Array<TextPart | ImagePart>, isError: boolean | undefined, inner: ContentExtra[]): Json {
  const blocks: Json[] = [];
  const keptBefore = (j: number) => inner.filter((e) => e.block && e.inner === j).map((e) => e.block as Json);
  content.forEach((item, j) => {
    blocks.push(...keptBefore(j));
    const block = item.type === "text" ? textBlock(item) : imageBlock(item.source);
    if (!block) return;
    for (const e of inner) if (e.fields && e.inner === j) Object.assign(block, e.fields);
    blocks.push(block);
  });
  blocks.push(...keptBefore(content.length));
  const out: Json = { type: "tool_result", tool_use_id: callId };
  const only = blocks.length === 1 ? blocks[0] : undefined;
  if (only && only.type === "text" && Object.keys(only).length === 2) out.content = only.text;
  else if (blocks.length > 0) out.content = blocks;
  if (isError !== undefined) out.is_error = isError;
  return out;
}
