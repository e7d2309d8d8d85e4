// Canonical turns as Chat `messages`: tool results become `tool` messages, thinking `reasoning_content`.
import { assertNever } from "../../canonical/response.ts";
import type { ContentPart, FilePart, ImagePart, Message, ToolResultPart } from "../../canonical/request.ts";
import { audioFormatFor, dataUrl, type Json, type WireToolCall } from "./wire.ts";

/**
 * The messages, in order. Canonical fields Chat cannot carry are added to `dropped` by name.
 * - A system turn is one `system` message; several text parts are joined by a blank line (a string
 *   content is what every compatible provider takes).
 * - A user turn's tool results become one `tool` message each, in order, before the rest of the turn.
 *   Chat tool messages carry text only, so images in a tool result move to the user message that
 *   follows the tool messages (created if the turn has nothing else), where a vision model still sees
 *   them; `isError` has no Chat field and is reported as "tool-result.isError".
 * - An assistant turn's thinking becomes `reasoning_content` (DeepSeek, Qwen, GLM, Kimi read it back);
 *   signatures and redacted thinking cannot be expressed ("thinking.signature", "redacted_thinking").
 */
export function encodeMessages(messages: Message[], names: Record<string, unknown> | undefined, dropped: Set<string>): Json[] {
  const out: Json[] = [];
  messages.forEach((message, i) => {
    const name = typeof names?.[i] === "string" ? names[i] : undefined;
    const withName = (m: Json): Json => (name !== undefined ? { ...m, name } : m);
    switch (message.role) {
      case "system":
        out.push(withName(systemMessage(message.content, dropped)));
        return;
      case "user":
        out.push(...userMessages(message.content, dropped, withName));
        return;
      case "assistant":
        out.push(withName(assistantMessage(message.content, dropped)));
        return;
      default:
        return assertNever(message.role, "message role");
    }
  });
  return out;
}

function systemMessage(content: ContentPart[], dropped: Set<string>): Json {
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === "text") texts.push(part.text);
    else dropped.add(`system.${part.type}`);
  }
  return { role: "system", content: texts.join("\n\n") };
}

function userMessages(content: ContentPart[], dropped: Set<string>, withName: (m: Json) => Json): Json[] {
  const tools: Json[] = [];
  const resultImages: Json[] = [];
  const own: Json[] = [];
  for (const part of content) {
    switch (part.type) {
      case "text":
        own.push({ type: "text", text: part.text });
        break;
      case "image":
        own.push(imagePart(part));
        break;
      case "file": {
        const p = filePart(part, dropped);
        if (p) own.push(p);
        break;
      }
      case "tool-result":
        tools.push(toolMessage(part, resultImages, dropped));
        break;
      case "tool-call":
      case "thinking":
      case "redacted-thinking":
        dropped.add(`user.${part.type}`);
        break;
      default:
        return assertNever(part, "content part");
    }
  }
  // Images moved out of tool results come first in the user message, right after the tool messages.
  const parts = [...resultImages, ...own];
  const out = [...tools];
  if (parts.length > 0 || tools.length === 0) out.push(withName({ role: "user", content: userContent(parts) }));
  return out;
}

/** One text part as a plain string (what every provider takes); anything else as an array of parts. */
function userContent(parts: Json[]): string | Json[] {
  if (parts.length === 0) return "";
  if (parts.length === 1 && parts[0].type === "text") return parts[0].text as string;
  return parts;
}

function toolMessage(part: ToolResultPart, images: Json[], dropped: Set<string>): Json {
  const texts: string[] = [];
  for (const c of part.content) {
    if (c.type === "text") texts.push(c.text);
    else images.push(imagePart(c));
  }
  if (part.isError) dropped.add("tool-result.isError");
  return { role: "tool", tool_call_id: part.callId, content: texts.join("\n\n") };
}

function imagePart(part: ImagePart): Json {
  const url = part.source.kind === "base64" ? dataUrl(part.source.mediaType, part.source.data) : part.source.url;
  return { type: "image_url", image_url: part.detail !== undefined ? { url, detail: part.detail } : { url } };
}

/** Images as image_url, wav/mp3 audio as input_audio, other inline files as `file` with a data: URL. */
function filePart(part: FilePart, dropped: Set<string>): Json | undefined {
  if (part.mediaType.startsWith("image/")) {
    const url = part.data !== undefined ? dataUrl(part.mediaType, part.data) : part.url;
    if (url !== undefined) return { type: "image_url", image_url: { url } };
  }
  if (part.data === undefined) {
    // Chat has no file-by-URL input.
    dropped.add("file.url");
    return undefined;
  }
  const audio = audioFormatFor(part.mediaType);
  if (audio) return { type: "input_audio", input_audio: { data: part.data, format: audio } };
  const file: Json = { file_data: dataUrl(part.mediaType, part.data) };
  if (part.filename !== undefined) file.filename = part.filename;
  return { type: "file", file };
}

function assistantMessage(content: ContentPart[], dropped: Set<string>): Json {
  const texts: string[] = [];
  const thinking: string[] = [];
  const calls: WireToolCall[] = [];
  for (const part of content) {
    switch (part.type) {
      case "text":
        texts.push(part.text);
        break;
      case "thinking":
        if (part.text) thinking.push(part.text);
        if (part.signature) dropped.add("thinking.signature");
        break;
      case "redacted-thinking":
        dropped.add("redacted_thinking");
        break;
      case "tool-call":
        calls.push({ id: part.id, type: "function", function: { name: part.name, arguments: part.arguments } });
        if (part.signature) dropped.add("tool-call.signature");
        break;
      case "image":
      case "file":
      case "tool-result":
        dropped.add(`assistant.${part.type}`);
        break;
      default:
        return assertNever(part, "content part");
    }
  }
  const text = texts.join("");
  // Content may be null only beside tool calls; an otherwise empty turn is "".
  const message: Json = { role: "assistant", content: text || (calls.length > 0 ? null : "") };
  if (thinking.length > 0) message.reasoning_content = thinking.join("\n\n");
  if (calls.length > 0) message.tool_calls = calls;
  return message;
}
