// A Responses `input` (a string or a list of items) as canonical messages.
import { splitToolCallId } from "../../canonical/tool-call-signature.ts";
import { GatewayError } from "../../canonical/errors.ts";
import type { ContentPart, FilePart, ImagePart, Message, TextPart, ToolResultPart } from "../../canonical/request.ts";
import { decodeReasoningItem } from "./reasoning-signature.ts";
import { reasoningText } from "./response.ts";
import { isRecord, str, type Json } from "./wire.ts";

function bad(message: string, param: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}

/** `data:<type>;base64,<data>` split into its media type and data, or undefined for other URLs. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*);base64,(.*)$/s.exec(url);
  if (!match) return undefined;
  return { mediaType: match[1] || "application/octet-stream", data: match[3] };
}

function decodeImage(part: Json, param: string): ImagePart {
  const detail = str(part.detail);
  const url = str(part.image_url);
  if (url) {
    const inline = parseDataUrl(url);
    const source: ImagePart["source"] = inline ? { kind: "base64", ...inline } : { kind: "url", url };
    return detail ? { type: "image", source, detail } : { type: "image", source };
  }
  if (str(part.file_id)) {
    throw bad(
      "input_image.file_id points at a file stored in one OpenAI account, which this gateway cannot resolve; send the image as image_url (an https URL or a data: URL) instead.",
      `${param}.file_id`,
    );
  }
  throw bad("input_image needs an image_url (an https URL or a data: URL).", `${param}.image_url`);
}

function decodeFile(part: Json, param: string): FilePart {
  const filename = str(part.filename);
  const named = filename ? { filename } : {};
  const data = str(part.file_data);
  if (data) {
    const inline = parseDataUrl(data);
    if (inline) return { type: "file", mediaType: inline.mediaType, data: inline.data, ...named };
    const mediaType = filename?.toLowerCase().endsWith(".pdf") ? "application/pdf" : "application/octet-stream";
    return { type: "file", mediaType, data, ...named };
  }
  const url = str(part.file_url);
  if (url) return { type: "file", mediaType: "application/octet-stream", url, ...named };
  if (str(part.file_id)) {
    throw bad(
      "input_file.file_id points at a file stored in one OpenAI account, which this gateway cannot resolve; send the file as file_data (a data: URL) or file_url instead.",
      `${param}.file_id`,
    );
  }
  throw bad("input_file needs file_data or file_url.", param);
}

function decodeText(part: Json, key: "text" | "refusal", param: string): TextPart {
  const text = str(part[key]);
  if (text === undefined) throw bad(`${String(part.type)} content needs a string ${key}.`, `${param}.${key}`);
  return { type: "text", text };
}

function decodeContent(content: unknown, param: string): ContentPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw bad("Message content must be a string or an array of content parts.", param);
  return content.map((part, j): ContentPart => {
    const at = `${param}[${j}]`;
    if (!isRecord(part)) throw bad("Each content part must be an object.", at);
    switch (part.type) {
      case "input_text":
      case "output_text":
      case "text":
        return decodeText(part, "text", at);
      case "refusal":
        return decodeText(part, "refusal", at);
      case "input_image":
        return decodeImage(part, at);
      case "input_file":
        return decodeFile(part, at);
      default:
        throw bad(`Content part type ${JSON.stringify(part.type)} is not supported by this gateway.`, `${at}.type`);
    }
  });
}

function decodeToolOutput(output: unknown, param: string): ToolResultPart["content"] {
  if (typeof output === "string") return [{ type: "text", text: output }];
  if (!Array.isArray(output)) throw bad("function_call_output.output must be a string or an array of content parts.", param);
  return decodeContent(output, param).map((part, j) => {
    if (part.type === "text" || part.type === "image") return part;
    throw bad("Only input_text and input_image parts can be sent in a tool output.", `${param}[${j}]`);
  });
}

/** Builds the canonical turns, merging items that belong to one turn (an assistant's text, reasoning and calls). */
class Turns {
  readonly messages: Message[] = [];
  readonly callNames = new Map<string, string>();

  private last(): Message | undefined {
    return this.messages[this.messages.length - 1];
  }
  private onlyToolResults(m: Message | undefined): boolean {
    return !!m && m.role === "user" && m.content.length > 0 && m.content.every((p) => p.type === "tool-result");
  }

  assistant(parts: ContentPart[]): void {
    const last = this.last();
    if (last?.role === "assistant") last.content.push(...parts);
    else this.messages.push({ role: "assistant", content: parts });
  }
  toolResult(part: ToolResultPart): void {
    const last = this.last();
    if (this.onlyToolResults(last)) last!.content.push(part);
    else this.messages.push({ role: "user", content: [part] });
  }
  user(parts: ContentPart[]): void {
    const last = this.last();
    // Text after tool results joins their turn, the way Anthropic and Gemini shape it.
    if (this.onlyToolResults(last)) last!.content.push(...parts);
    else this.messages.push({ role: "user", content: parts });
  }
  system(parts: ContentPart[]): void {
    this.messages.push({ role: "system", content: parts });
  }
}

function decodeItem(turns: Turns, item: Json, param: string): void {
  const type = item.type ?? "message";
  switch (type) {
    case "message": {
      const role = item.role;
      const content = decodeContent(item.content, `${param}.content`);
      if (role === "user") return turns.user(content);
      if (role === "assistant") return turns.assistant(content);
      if (role === "system" || role === "developer") return turns.system(content);
      throw bad(`Message role ${JSON.stringify(role)} is not one of user, assistant, system, developer.`, `${param}.role`);
    }
    case "function_call":
    case "custom_tool_call": {
      const callId = str(item.call_id);
      const name = str(item.name);
      if (!callId) throw bad(`${type} needs a call_id.`, `${param}.call_id`);
      if (!name) throw bad(`${type} needs a name.`, `${param}.name`);
      const args = type === "function_call" ? str(item.arguments) : str(item.input);
      // A Gemini thought signature this gateway put in the call_id comes back with it (tool-call-signature.ts).
      const { id, signature } = splitToolCallId(callId);
      turns.callNames.set(id, name);
      return turns.assistant([{ type: "tool-call", id, name, arguments: args ?? "", ...(signature ? { signature } : {}) }]);
    }
    case "function_call_output":
    case "custom_tool_call_output": {
      const sentId = str(item.call_id);
      if (!sentId) throw bad(`${type} needs a call_id.`, `${param}.call_id`);
      const callId = splitToolCallId(sentId).id;
      const name = turns.callNames.get(callId);
      const content = decodeToolOutput(item.output, `${param}.output`);
      return turns.toolResult(name ? { type: "tool-result", callId, name, content } : { type: "tool-result", callId, content });
    }
    case "reasoning": {
      const decoded = decodeReasoningItem(str(item.id), str(item.encrypted_content));
      if (decoded.kind === "redacted") return turns.assistant([{ type: "redacted-thinking", data: decoded.data }]);
      const text = reasoningText(item);
      if (!text && !decoded.signature) return; // nothing a stateless upstream could use
      return turns.assistant([decoded.signature ? { type: "thinking", text, signature: decoded.signature } : { type: "thinking", text }]);
    }
    case "item_reference":
      throw bad(
        "item_reference could not be resolved here: the gateway resolves references to the items it returned before the request is translated. Send the full item instead.",
        `${param}.type`,
      );
    default:
      throw bad(`Input item type ${JSON.stringify(type)} is not supported by this gateway.`, `${param}.type`);
  }
}

export function decodeInput(input: unknown): Message[] {
  if (input === undefined || input === null) return [];
  if (typeof input === "string") return [{ role: "user", content: [{ type: "text", text: input }] }];
  if (!Array.isArray(input)) throw bad("input must be a string or an array of input items.", "input");
  const turns = new Turns();
  input.forEach((item, i) => {
    if (!isRecord(item)) throw bad("Each input item must be an object.", `input[${i}]`);
    decodeItem(turns, item, `input[${i}]`);
  });
  return turns.messages;
}
