// Canonical messages as Responses `instructions` and `input` items, for a Responses upstream.
import type { ContentPart, FilePart, ImagePart, Message, ToolResultPart } from "../../canonical/request.ts";
import { assertNever } from "../../canonical/response.ts";
import { reasoningItemForUpstream } from "./reasoning-signature.ts";
import type { Json } from "./wire.ts";

export interface EncodedInput {
  instructions?: string;
  input: Json[];
}

export function imageUrl(part: ImagePart): string {
  return part.source.kind === "url" ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}`;
}

function inputImage(part: ImagePart): Json {
  return { type: "input_image", image_url: imageUrl(part), detail: part.detail ?? "auto" };
}

function inputFile(part: FilePart): Json {
  const out: Json = { type: "input_file" };
  if (part.data !== undefined) {
    out.file_data = `data:${part.mediaType};base64,${part.data}`;
    out.filename = part.filename ?? (part.mediaType === "application/pdf" ? "document.pdf" : "file");
  } else if (part.url !== undefined) {
    out.file_url = part.url;
    if (part.filename) out.filename = part.filename;
  }
  return out;
}

function toolOutput(part: ToolResultPart): string | Json[] {
  if (part.content.every((c) => c.type === "text")) return part.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  return part.content.map((c) => (c.type === "text" ? { type: "input_text", text: c.text } : inputImage(c)));
}

/** Walks the messages once, turning each part into content of the open message or an item of its own. */
class InputWriter {
  readonly input: Json[] = [];
  private open: { role: string; content: Json[] } | undefined;

  constructor(
    private readonly dropped: Set<string>,
    private readonly customCalls: Set<string>,
    private readonly customTools: Set<string>,
  ) {}

  private content(role: string, part: Json): void {
    if (this.open?.role !== role) {
      this.flush();
      this.open = { role, content: [] };
    }
    this.open.content.push(part);
  }

  flush(): void {
    if (this.open?.content.length) this.input.push({ type: "message", role: this.open.role, content: this.open.content });
    this.open = undefined;
  }

  private item(item: Json): void {
    this.flush();
    this.input.push(item);
  }

  part(role: Message["role"], part: ContentPart): void {
    const wireRole = role === "system" ? "developer" : role;
    switch (part.type) {
      case "text":
        if (part.cacheControl !== undefined) this.dropped.add("cacheControl");
        return this.content(wireRole, { type: role === "assistant" ? "output_text" : "input_text", text: part.text });
      case "image":
        if (role !== "user") {
          this.dropped.add(`${role}.image`);
          return;
        }
        return this.content(wireRole, inputImage(part));
      case "file":
        if (role !== "user") {
          this.dropped.add(`${role}.file`);
          return;
        }
        return this.content(wireRole, inputFile(part));
      case "tool-call":
        if (role !== "assistant") {
          this.dropped.add(`${role}.tool-call`);
          return;
        }
        if (part.signature !== undefined) this.dropped.add("toolCall.signature");
        if (this.customTools.has(part.name)) {
          return this.item({ type: "custom_tool_call", call_id: part.id, name: part.name, input: part.arguments });
        }
        return this.item({ type: "function_call", call_id: part.id, name: part.name, arguments: part.arguments });
      case "tool-result":
        if (role !== "user") {
          this.dropped.add(`${role}.tool-result`);
          return;
        }
        if (part.isError) this.dropped.add("toolResult.isError");
        return this.item({
          type: this.customCalls.has(part.callId) ? "custom_tool_call_output" : "function_call_output",
          call_id: part.callId,
          output: toolOutput(part),
        });
      case "thinking": {
        const replay = role === "assistant" ? reasoningItemForUpstream(part.signature) : undefined;
        // Reasoning from another provider (or without its encrypted_content) cannot be replayed to OpenAI.
        if (!replay) {
          this.dropped.add("thinking");
          return;
        }
        const summary = part.text ? [{ type: "summary_text", text: part.text }] : [];
        return this.item({ type: "reasoning", id: replay.id, summary, encrypted_content: replay.encrypted_content });
      }
      case "redacted-thinking":
        this.dropped.add("redacted-thinking");
        return;
      default:
        return assertNever(part, "content part");
    }
  }
}

/**
 * The first message, when it is a system message, becomes `instructions`; later system messages
 * stay in place as developer messages. `customTools` names the free-form (`type: "custom"`) tools
 * of a Responses client, whose calls travel as custom_tool_call items.
 */
export function encodeInput(messages: Message[], dropped: Set<string>, customTools: Set<string>): EncodedInput {
  const customCalls = new Set<string>();
  for (const m of messages) {
    for (const p of m.content) if (p.type === "tool-call" && customTools.has(p.name)) customCalls.add(p.id);
  }
  const writer = new InputWriter(dropped, customCalls, customTools);
  let instructions: string | undefined;
  messages.forEach((message, i) => {
    if (i === 0 && message.role === "system") {
      const texts: string[] = [];
      for (const p of message.content) {
        if (p.type === "text") texts.push(p.text);
        else dropped.add(`system.${p.type}`);
      }
      instructions = texts.join("\n\n");
      return;
    }
    for (const part of message.content) writer.part(message.role, part);
    writer.flush();
  });
  return instructions === undefined ? { input: writer.input } : { instructions, input: writer.input };
}
