// Chat `messages` as canonical turns: system/developer in place, tool and function results as user turns.
import { splitToolCallId } from "../../canonical/tool-call-signature.ts";
import type { ContentPart, FilePart, ImagePart, Message, TextPart, ToolCallPart, ToolResultPart } from "../../canonical/request.ts";
import { AUDIO_MEDIA_TYPES, invalid, isRecord, parseDataUrl, type Json } from "./wire.ts";

export interface DecodedMessages {
  messages: Message[];
  /** Input message `name`s by canonical message index (see MESSAGE_NAMES_KEY). */
  names: Record<number, string>;
}

/** State that links results to calls across messages: tool names by call id, legacy function calls by name. */
interface CallBook {
  namesById: Map<string, string>;
  legacyIdsByName: Map<string, string[]>;
  legacyCount: number;
}

export function decodeMessages(raw: unknown): DecodedMessages {
  if (!Array.isArray(raw) || raw.length === 0) throw invalid("'messages' must be a non-empty array.", "messages");
  const messages: Message[] = [];
  const names: Record<number, string> = {};
  const book: CallBook = { namesById: new Map(), legacyIdsByName: new Map(), legacyCount: 0 };
  // True while the last canonical turn is a user turn built from tool results that a user message may join.
  let openResultTurn = false;

  raw.forEach((m: unknown, i) => {
    const path = `messages[${i}]`;
    if (!isRecord(m)) throw invalid(`'${path}' must be an object.`, path);
    const name = typeof m.name === "string" && m.role !== "function" ? m.name : undefined;
    const push = (message: Message) => {
      messages.push(message);
      if (name !== undefined) names[messages.length - 1] = name;
    };
    switch (m.role) {
      case "system":
      case "developer":
        push({ role: "system", content: textContent(m.content, `${path}.content`) });
        openResultTurn = false;
        return;
      case "user": {
        const parts = userContent(m.content, `${path}.content`);
        if (openResultTurn) {
          messages[messages.length - 1].content.push(...parts);
          if (name !== undefined) names[messages.length - 1] = name;
        } else {
          push({ role: "user", content: parts });
        }
        openResultTurn = false;
        return;
      }
      case "assistant":
        push({ role: "assistant", content: assistantContent(m, path, book) });
        openResultTurn = false;
        return;
      case "tool":
      case "function": {
        const result = m.role === "tool" ? toolResult(m, path, book) : functionResult(m, path, book);
        if (openResultTurn) messages[messages.length - 1].content.push(result);
        else messages.push({ role: "user", content: [result] });
        openResultTurn = true;
        return;
      }
      default:
        throw invalid(`'${path}.role' must be one of system, developer, user, assistant, tool, function.`, `${path}.role`);
    }
  });
  return { messages, names };
}

function partsOf(content: unknown, path: string): Json[] {
  if (!Array.isArray(content)) throw invalid(`'${path}' must be a string or an array of content parts.`, path);
  return content.map((p: unknown, j) => {
    if (!isRecord(p) || typeof p.type !== "string") throw invalid(`'${path}[${j}]' must be a content part with a type.`, `${path}[${j}]`);
    return p;
  });
}

function textPart(p: Json, path: string): TextPart {
  if (typeof p.text !== "string") throw invalid(`'${path}.text' must be a string.`, `${path}.text`);
  return { type: "text", text: p.text };
}

/** System, developer: a string or text parts. */
function textContent(content: unknown, path: string): TextPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return partsOf(content, path).map((p, j) => {
    if (p.type !== "text") throw invalid(`'${path}[${j}].type' must be "text" in this message.`, `${path}[${j}].type`);
    return textPart(p, `${path}[${j}]`);
  });
}

function userContent(content: unknown, path: string): ContentPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return partsOf(content, path).map((p, j) => userPart(p, `${path}[${j}]`));
}

function userPart(p: Json, path: string): TextPart | ImagePart | FilePart {
  switch (p.type) {
    case "text":
      return textPart(p, path);
    case "image_url":
      return imagePart(p, path);
    case "input_audio": {
      const audio = isRecord(p.input_audio) ? p.input_audio : undefined;
      if (typeof audio?.data !== "string" || typeof audio.format !== "string") {
        throw invalid(`'${path}.input_audio' must have string 'data' and 'format'.`, `${path}.input_audio`);
      }
      return { type: "file", mediaType: AUDIO_MEDIA_TYPES[audio.format] ?? `audio/${audio.format}`, data: audio.data };
    }
    case "file":
      return filePart(p, path);
    default:
      throw invalid(`'${path}.type' must be one of text, image_url, input_audio, file.`, `${path}.type`);
  }
}

function imagePart(p: Json, path: string): ImagePart {
  // Some clients send `image_url` as a bare string; the object form is the documented one.
  const image = typeof p.image_url === "string" ? { url: p.image_url } : isRecord(p.image_url) ? p.image_url : undefined;
  if (typeof image?.url !== "string") throw invalid(`'${path}.image_url.url' must be a string.`, `${path}.image_url.url`);
  const inline = parseDataUrl(image.url);
  const part: ImagePart = {
    type: "image",
    source: inline ? { kind: "base64", mediaType: inline.mediaType, data: inline.data } : { kind: "url", url: image.url },
  };
  if (typeof image.detail === "string") part.detail = image.detail;
  return part;
}

function filePart(p: Json, path: string): FilePart {
  const file = isRecord(p.file) ? p.file : undefined;
  if (!file) throw invalid(`'${path}.file' must be an object.`, `${path}.file`);
  const filename = typeof file.filename === "string" ? file.filename : undefined;
  if (typeof file.file_data !== "string") {
    throw invalid(
      `'${path}.file' must carry 'file_data' (a data: URL); uploaded file ids cannot be forwarded through the gateway.`,
      `${path}.file.file_data`,
    );
  }
  const inline = parseDataUrl(file.file_data);
  // Bare base64 (no data: URL): Chat takes PDFs as files, so a PDF it is unless the name says otherwise.
  const mediaType = inline?.mediaType ?? (filename && !/\.pdf$/i.test(filename) ? "application/octet-stream" : "application/pdf");
  const part: FilePart = { type: "file", mediaType, data: inline?.data ?? file.file_data };
  if (filename !== undefined) part.filename = filename;
  return part;
}

/** Assistant: thinking (reasoning_content or reasoning) first, then text and refusal, then tool calls. */
function assistantContent(m: Json, path: string, book: CallBook): ContentPart[] {
  const parts: ContentPart[] = [];
  const thinking = typeof m.reasoning_content === "string" ? m.reasoning_content : typeof m.reasoning === "string" ? m.reasoning : "";
  if (thinking) parts.push({ type: "thinking", text: thinking });
  if (typeof m.content === "string") {
    if (m.content) parts.push({ type: "text", text: m.content });
  } else if (m.content !== undefined && m.content !== null) {
    partsOf(m.content, `${path}.content`).forEach((p, j) => {
      const at = `${path}.content[${j}]`;
      if (p.type === "text") parts.push(textPart(p, at));
      else if (p.type === "refusal" && typeof p.refusal === "string") parts.push({ type: "text", text: p.refusal });
      else throw invalid(`'${at}.type' must be "text" or "refusal" in an assistant message.`, `${at}.type`);
    });
  }
  if (typeof m.refusal === "string" && m.refusal) parts.push({ type: "text", text: m.refusal });
  if (m.tool_calls !== undefined && m.tool_calls !== null) {
    if (!Array.isArray(m.tool_calls)) throw invalid(`'${path}.tool_calls' must be an array.`, `${path}.tool_calls`);
    m.tool_calls.forEach((tc: unknown, j) => parts.push(toolCall(tc, `${path}.tool_calls[${j}]`, book)));
  }
  if (isRecord(m.function_call)) {
    const fc = m.function_call;
    if (typeof fc.name !== "string") throw invalid(`'${path}.function_call.name' must be a string.`, `${path}.function_call.name`);
    const id = `call_fn_${book.legacyCount++}`;
    book.legacyIdsByName.set(fc.name, [...(book.legacyIdsByName.get(fc.name) ?? []), id]);
    book.namesById.set(id, fc.name);
    parts.push({ type: "tool-call", id, name: fc.name, arguments: argumentsText(fc.arguments) });
  }
  return parts;
}

function toolCall(tc: unknown, path: string, book: CallBook): ToolCallPart {
  if (!isRecord(tc)) throw invalid(`'${path}' must be an object.`, path);
  if (tc.type === "custom")
    throw invalid(`'${path}': custom tool calls are not supported by the gateway; use function tools.`, `${path}.type`);
  const fn = isRecord(tc.function) ? tc.function : undefined;
  if (typeof tc.id !== "string") throw invalid(`'${path}.id' must be a string.`, `${path}.id`);
  if (typeof fn?.name !== "string") throw invalid(`'${path}.function.name' must be a string.`, `${path}.function.name`);
  // A Gemini thought signature this gateway put in the id comes back with it (tool-call-signature.ts).
  const { id, signature } = splitToolCallId(tc.id);
  book.namesById.set(id, fn.name);
  return { type: "tool-call", id, name: fn.name, arguments: argumentsText(fn.arguments), ...(signature ? { signature } : {}) };
}

/** Arguments are JSON text on the wire; a client that sent an object gets it serialized, none is "{}". */
function argumentsText(args: unknown): string {
  if (typeof args === "string") return args;
  return args === undefined || args === null ? "{}" : JSON.stringify(args);
}

function resultContent(content: unknown, path: string): Array<TextPart | ImagePart> {
  if (content === null || content === undefined || content === "") return [];
  if (typeof content === "string") return [{ type: "text", text: content }];
  return partsOf(content, path).map((p, j) => {
    const at = `${path}[${j}]`;
    if (p.type === "text") return textPart(p, at);
    if (p.type === "image_url") return imagePart(p, at); // not in OpenAI's schema, but compatible providers take it
    throw invalid(`'${at}.type' must be "text" in a tool message.`, `${at}.type`);
  });
}

function toolResult(m: Json, path: string, book: CallBook): ToolResultPart {
  if (typeof m.tool_call_id !== "string") throw invalid(`'${path}.tool_call_id' must be a string.`, `${path}.tool_call_id`);
  const callId = splitToolCallId(m.tool_call_id).id;
  const part: ToolResultPart = { type: "tool-result", callId, content: resultContent(m.content, `${path}.content`) };
  const name = book.namesById.get(callId);
  if (name !== undefined) part.name = name;
  return part;
}

/** Legacy `function` role: the result of the oldest unanswered `function_call` of that name. */
function functionResult(m: Json, path: string, book: CallBook): ToolResultPart {
  if (typeof m.name !== "string") throw invalid(`'${path}.name' must be a string.`, `${path}.name`);
  const pending = book.legacyIdsByName.get(m.name);
  const callId = pending?.shift() ?? `call_fn_${book.legacyCount++}`;
  return { type: "tool-result", callId, name: m.name, content: resultContent(m.content, `${path}.content`) };
}
