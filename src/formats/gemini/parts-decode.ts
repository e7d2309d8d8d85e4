// Gemini `contents[]` and `systemInstruction` as canonical messages, part by part.
//
// Choices: a functionCall without `id` gets `call_<content>_<part>` (stable across turns of one
// conversation), and a functionResponse without `id` takes the id of the earliest unanswered call of
// the same name, which is how Gemini itself pairs them. A thoughtSignature on a plain text part is
// not kept (Gemini documents it as optional to return; only functionCall signatures are required).
// executableCode / codeExecutionResult parts (the built-in code tool) become text, so other models
// still see what ran. Streamed model turns sent back as several contents are joined into one message.
import { GatewayError } from "../../canonical/errors.ts";
import type { ContentPart, ImagePart, Message, TextPart } from "../../canonical/request.ts";
import { camelKeys } from "./keys.ts";
import { isRecord, str, type Json } from "./wire.ts";

interface Pending {
  id: string;
  name: string;
}

function bad(message: string, param: string): never {
  throw new GatewayError("invalid_request", message, { param });
}

function media(raw: unknown, param: string): { mimeType: string; data?: string; uri?: string; displayName?: string } {
  const m = isRecord(raw) ? camelKeys(raw) : bad("must be an object", param);
  return { mimeType: str(m.mimeType) ?? "", data: str(m.data), uri: str(m.fileUri), displayName: str(m.displayName) };
}

function mediaPart(raw: unknown, kind: "inlineData" | "fileData", param: string): ContentPart {
  const m = media(raw, param);
  if (kind === "inlineData") {
    if (m.data === undefined) bad("inlineData.data is required", `${param}.data`);
    if (!m.mimeType) bad("inlineData.mimeType is required", `${param}.mimeType`);
    if (m.mimeType.startsWith("image/")) return { type: "image", source: { kind: "base64", mediaType: m.mimeType, data: m.data } };
    return { type: "file", mediaType: m.mimeType, data: m.data, ...(m.displayName ? { filename: m.displayName } : {}) };
  }
  if (!m.uri) bad("fileData.fileUri is required", `${param}.fileUri`);
  if (m.mimeType.startsWith("image/")) return { type: "image", source: { kind: "url", url: m.uri } };
  return {
    type: "file",
    mediaType: m.mimeType || "application/octet-stream",
    url: m.uri,
    ...(m.displayName ? { filename: m.displayName } : {}),
  };
}

/** A functionResponse's `response` object as tool-result text: `{output: "x"}` and `{error: "x"}` unwrap. */
function responseText(response: Json): string {
  const keys = Object.keys(response);
  if (keys.length === 1 && (keys[0] === "output" || keys[0] === "error") && typeof response[keys[0]] === "string") {
    return response[keys[0]] as string;
  }
  return JSON.stringify(response);
}

function decodePart(raw: unknown, role: Message["role"], pending: Pending[], at: [number, number], param: string): ContentPart | undefined {
  if (!isRecord(raw)) bad("each part must be an object", param);
  const part = camelKeys(raw);
  const signature = str(part.thoughtSignature);
  if (typeof part.text === "string") {
    if (part.thought === true) return { type: "thinking", text: part.text, ...(signature ? { signature } : {}) };
    return part.text === "" ? undefined : { type: "text", text: part.text };
  }
  if (part.inlineData !== undefined) return mediaPart(part.inlineData, "inlineData", `${param}.inlineData`);
  if (part.fileData !== undefined) return mediaPart(part.fileData, "fileData", `${param}.fileData`);
  if (part.functionCall !== undefined) {
    const call = isRecord(part.functionCall) ? part.functionCall : bad("functionCall must be an object", `${param}.functionCall`);
    const name = str(call.name) ?? bad("functionCall.name is required", `${param}.functionCall.name`);
    if (call.args !== undefined && call.args !== null && !isRecord(call.args))
      bad("functionCall.args must be an object", `${param}.functionCall.args`);
    const id = str(call.id) || `call_${at[0]}_${at[1]}`;
    if (role === "assistant") pending.push({ id, name });
    return { type: "tool-call", id, name, arguments: JSON.stringify(call.args ?? {}), ...(signature ? { signature } : {}) };
  }
  if (part.functionResponse !== undefined) {
    const fr = isRecord(part.functionResponse)
      ? camelKeys(part.functionResponse)
      : bad("functionResponse must be an object", `${param}.functionResponse`);
    const name = str(fr.name) ?? bad("functionResponse.name is required", `${param}.functionResponse.name`);
    const response = isRecord(fr.response) ? fr.response : {};
    let callId = str(fr.id);
    const match = callId ? pending.findIndex((p) => p.id === callId) : pending.findIndex((p) => p.name === name);
    if (match !== -1) {
      callId ??= pending[match].id;
      pending.splice(match, 1);
    }
    callId ??= `call_${at[0]}_${at[1]}`;
    const content: Array<TextPart | ImagePart> = [{ type: "text", text: responseText(response) }];
    if (Array.isArray(fr.parts)) {
      fr.parts.forEach((p, k) => {
        const q = isRecord(p) ? camelKeys(p) : bad("functionResponse.parts[] must be objects", `${param}.functionResponse.parts[${k}]`);
        const kind = q.inlineData !== undefined ? "inlineData" : q.fileData !== undefined ? "fileData" : undefined;
        if (!kind) bad("functionResponse.parts[] needs inlineData or fileData", `${param}.functionResponse.parts[${k}]`);
        const decoded = mediaPart(q[kind], kind, `${param}.functionResponse.parts[${k}].${kind}`);
        if (decoded.type === "image") content.push(decoded);
        else
          content.push({
            type: "text",
            text: `[${decoded.type === "file" ? decoded.mediaType : "file"} attachment${decoded.type === "file" && decoded.url ? `: ${decoded.url}` : ""}]`,
          });
      });
    }
    const isError = response.error !== undefined && response.error !== null;
    return { type: "tool-result", callId, name, content, ...(isError ? { isError: true } : {}) };
  }
  if (isRecord(part.executableCode)) {
    const code = camelKeys(part.executableCode);
    return {
      type: "text",
      text: `\`\`\`${(str(code.language) ?? "").toLowerCase().replace("language_unspecified", "")}\n${str(code.code) ?? ""}\n\`\`\``,
    };
  }
  if (isRecord(part.codeExecutionResult)) {
    const result = camelKeys(part.codeExecutionResult);
    return { type: "text", text: str(result.output) ?? str(result.outcome) ?? "" };
  }
  if (signature !== undefined) return undefined; // a bare thoughtSignature part carries nothing we keep
  return bad("unsupported part: expected text, inlineData, fileData, functionCall or functionResponse", param);
}

/** Append parts to a message, joining text/thinking split across streamed chunks of one model turn. */
function appendJoined(target: ContentPart[], parts: ContentPart[], joinAtBoundary: boolean): void {
  parts.forEach((part, i) => {
    const last = target[target.length - 1];
    if (i === 0 && joinAtBoundary && last?.type === "text" && part.type === "text" && !last.cacheControl) {
      target[target.length - 1] = { type: "text", text: last.text + part.text };
      return;
    }
    if (last?.type === "thinking" && part.type === "thinking" && !last.signature && (i === 0 ? joinAtBoundary : part.text === "")) {
      target[target.length - 1] = {
        type: "thinking",
        text: last.text + part.text,
        ...(part.signature ? { signature: part.signature } : {}),
      };
      return;
    }
    target.push(part);
  });
}

export function decodeSystemInstruction(raw: unknown): Message | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") return raw ? { role: "system", content: [{ type: "text", text: raw }] } : undefined;
  if (!isRecord(raw) || !Array.isArray(raw.parts)) bad("systemInstruction must be a Content with parts", "systemInstruction");
  const content: ContentPart[] = [];
  raw.parts.forEach((p, j) => {
    const part = decodePart(p, "system", [], [0, j], `systemInstruction.parts[${j}]`);
    if (part && part.type !== "text") bad("systemInstruction parts must be text", `systemInstruction.parts[${j}]`);
    if (part) content.push(part);
  });
  return content.length ? { role: "system", content } : undefined;
}

export function decodeContents(raw: unknown): Message[] {
  if (!Array.isArray(raw)) bad("contents must be an array of Content", "contents");
  const messages: Message[] = [];
  let pending: Pending[] = [];
  raw.forEach((c, i) => {
    if (!isRecord(c)) bad("each content must be an object", `contents[${i}]`);
    const roleName = c.role ?? "user";
    if (roleName !== "user" && roleName !== "model" && roleName !== "function")
      bad(`role must be "user" or "model", got ${JSON.stringify(roleName)}`, `contents[${i}].role`);
    const role = roleName === "model" ? "assistant" : "user";
    if (c.parts !== undefined && !Array.isArray(c.parts)) bad("parts must be an array", `contents[${i}].parts`);
    const prev = messages[messages.length - 1];
    if (role === "assistant" && prev?.role !== "assistant") pending = [];
    const parts: ContentPart[] = [];
    (c.parts ?? []).forEach((p: unknown, j: number) => {
      const part = decodePart(p, role, pending, [i, j], `contents[${i}].parts[${j}]`);
      if (part) parts.push(part);
    });
    if (parts.length === 0) return;
    if (prev?.role === role) appendJoined(prev.content, parts, role === "assistant");
    else {
      const content: ContentPart[] = [];
      appendJoined(content, parts, false);
      messages.push({ role, content });
    }
  });
  return messages;
}
