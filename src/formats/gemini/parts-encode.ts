// Canonical messages as Gemini `contents[]` and `systemInstruction`.
//
// Choices: system turns (wherever they sit) hoist, in order, into the one systemInstruction.
// Thinking and redacted-thinking parts are not sent and not reported: Gemini does not read earlier
// thoughts back, and another provider's thinking signature would fail its validation; a Gemini
// tool call keeps its own signature on ToolCallPart.signature. A model step whose function calls carry
// no signature at all (history from another model) gets Google's documented stand-in
// "skip_thought_signature_validator" on its first call, without which Gemini 3 answers 400.
// Tool results become functionResponse {id, name, response}: a JSON-object result is the response
// itself, other text goes in {"output": text} (or {"error": text} for errors), as the
// FunctionResponse docs ask; images in a result ride in functionResponse.parts.
// URL images become fileData with the MIME type guessed from the extension, else "image/*";
// data: URLs become inlineData.
import { GatewayError } from "../../canonical/errors.ts";
import { assertNever } from "../../canonical/response.ts";
import type { ContentPart, ImagePart, Message, ToolResultPart } from "../../canonical/request.ts";
import { isRecord, type GeminiContent, type GeminiFunctionResponsePart, type GeminiPart, type Json } from "./wire.ts";

export const FOREIGN_SIGNATURE = "skip_thought_signature_validator";

const EXTENSION_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  html: "text/html",
  csv: "text/csv",
  json: "application/json",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
};

function guessMime(url: string, fallback: string): string {
  const path = url.split(/[?#]/)[0];
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return path.includes(".") ? (EXTENSION_TYPES[ext] ?? fallback) : fallback;
}

function fromDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const m = /^data:([^;,]*)((?:;[^;,]*)*?)(;base64)?,(.*)$/s.exec(url);
  if (!m) return undefined;
  const mimeType = m[1] || "text/plain";
  if (m[3]) return { mimeType, data: m[4] };
  const bytes = new TextEncoder().encode(decodeURIComponent(m[4]));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return { mimeType, data: btoa(bin) };
}

function mediaFromUrl(url: string, fallbackMime: string, mimeType?: string): GeminiFunctionResponsePart {
  const inline = url.startsWith("data:") ? fromDataUrl(url) : undefined;
  if (inline) return { inlineData: inline };
  return { fileData: { mimeType: mimeType ?? guessMime(url, fallbackMime), fileUri: url } };
}

function imageMedia(part: ImagePart, dropped: Set<string>): GeminiFunctionResponsePart {
  if (part.detail && part.detail !== "auto") dropped.add("image.detail");
  if (part.source.kind === "base64") return { inlineData: { mimeType: part.source.mediaType, data: part.source.data } };
  return mediaFromUrl(part.source.url, "image/*");
}

function parseObject(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function toolResponse(part: ToolResultPart, name: string, dropped: Set<string>): GeminiPart {
  const text = part.content
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");
  const media = part.content.filter((c): c is ImagePart => c.type === "image").map((c) => imageMedia(c, dropped));
  for (const c of part.content) if (c.type === "text" && c.cacheControl !== undefined) dropped.add("cacheControl");
  const parsed = parseObject(text);
  let response: Json;
  if (part.isError) response = parsed && "error" in parsed ? parsed : { error: parsed ?? text };
  else response = parsed ?? { output: text };
  return { functionResponse: { id: part.callId, name, response, ...(media.length ? { parts: media } : {}) } };
}

function toolArgs(text: string, param: string): Json {
  if (text.trim() === "") return {};
  const parsed = parseObject(text);
  if (!parsed) throw new GatewayError("invalid_request", "Tool call arguments must be a JSON object for Gemini", { param });
  return parsed;
}

function encodePart(part: ContentPart, names: Map<string, string>, dropped: Set<string>, param: string): GeminiPart | undefined {
  switch (part.type) {
    case "text":
      if (part.cacheControl !== undefined) dropped.add("cacheControl");
      return part.text === "" ? undefined : { text: part.text };
    case "image":
      return imageMedia(part, dropped);
    case "file":
      if (part.filename) dropped.add("file.filename");
      if (part.data !== undefined) return { inlineData: { mimeType: part.mediaType, data: part.data } };
      if (part.url !== undefined) return mediaFromUrl(part.url, part.mediaType, part.mediaType);
      throw new GatewayError("invalid_request", "A file part needs data or a url", { param });
    case "tool-call":
      return {
        functionCall: { id: part.id, name: part.name, args: toolArgs(part.arguments, `${param}.arguments`) },
        ...(part.signature ? { thoughtSignature: part.signature } : {}),
      };
    case "tool-result": {
      const name = part.name ?? names.get(part.callId);
      if (!name)
        throw new GatewayError(
          "invalid_request",
          `Tool result ${part.callId} matches no earlier tool call, and Gemini needs the function name`,
          { param: `${param}.callId` },
        );
      return toolResponse(part, name, dropped);
    }
    case "thinking":
    case "redacted-thinking":
      return undefined;
    default:
      return assertNever(part, "content part");
  }
}

/** Gemini 3 rejects a step of function calls with no signature; mark foreign steps with the documented stand-in. */
function signFirstCall(parts: GeminiPart[]): void {
  const calls = parts.filter((p) => p.functionCall);
  if (calls.length && !calls.some((p) => p.thoughtSignature)) calls[0].thoughtSignature = FOREIGN_SIGNATURE;
}

export interface EncodedMessages {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
}

export function encodeMessages(messages: Message[], dropped: Set<string>): EncodedMessages {
  const names = new Map<string, string>();
  for (const m of messages) for (const p of m.content) if (p.type === "tool-call") names.set(p.id, p.name);

  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  messages.forEach((message, i) => {
    const parts: GeminiPart[] = [];
    message.content.forEach((part, j) => {
      const encoded = encodePart(part, names, dropped, `messages[${i}].content[${j}]`);
      if (encoded) parts.push(encoded);
    });
    if (message.role === "system") {
      for (const p of parts) {
        if (p.text !== undefined) system.push(p);
        else dropped.add("system.media");
      }
      return;
    }
    if (parts.length === 0) return;
    const role = message.role === "assistant" ? "model" : "user";
    const last = contents[contents.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  });
  for (const c of contents) if (c.role === "model") signFirstCall(c.parts);
  return { contents, ...(system.length ? { systemInstruction: { parts: system } } : {}) };
}
