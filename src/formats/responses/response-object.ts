// The `response` object a Responses client sees: request echo fields and output items from canonical parts.
import { idWithSignature } from "../../canonical/tool-call-signature.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import type { OutputPart } from "../../canonical/response.ts";
import { assertNever } from "../../canonical/response.ts";
import { newId } from "./ids.ts";
import { reasoningItemForClient, redactedItemForClient } from "./reasoning-signature.ts";
import { encodeReasoning, encodeTextFormat, encodeToolChoice } from "./request-encode.ts";
import {
  isRecord,
  str,
  type FunctionCallItem,
  type CustomToolCallItem,
  type OutputItem,
  type ReasoningItem,
  type WireResponse,
} from "./wire.ts";

function instructionsOf(req: CanonicalRequest): string | null {
  const first = req.messages[0];
  if (first?.role !== "system") return null;
  return first.content.map((p) => (p.type === "text" ? p.text : "")).join("\n\n");
}

/** A response in progress with no output yet: what response.created carries, and the base of the final one. */
export function baseResponse(req: CanonicalRequest, id: string, model: string, created: number): WireResponse {
  const extra = req.extraFormat === "responses" ? req.extra : {};
  const reasoning = {
    ...(req.reasoning ? encodeReasoning(req.reasoning) : {}),
    ...(isRecord(extra.reasoning) ? extra.reasoning : {}),
  };
  const tools: unknown[] = (req.tools ?? []).map((t) => ({
    type: "function",
    name: t.name,
    description: t.description ?? null,
    parameters: t.parameters,
    strict: t.strict ?? false,
  }));
  if (Array.isArray(extra.tools)) tools.push(...extra.tools);
  return {
    id,
    object: "response",
    created_at: created,
    status: "in_progress",
    background: false,
    access_programs: null,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: instructionsOf(req),
    max_output_tokens: req.maxTokens ?? null,
    model,
    output: [],
    parallel_tool_calls: req.parallelToolCalls ?? true,
    previous_response_id: null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    store: extra.store === true,
    temperature: req.temperature ?? null,
    text: {
      format: req.responseFormat ? encodeTextFormat(req.responseFormat) : { type: "text" },
      ...(isRecord(extra.text) ? extra.text : {}),
    },
    tool_choice: req.toolChoice ? encodeToolChoice(req.toolChoice) : (extra.tool_choice ?? "auto"),
    tools,
    top_p: req.topP ?? null,
    truncation: str(extra.truncation) ?? "disabled",
    usage: null,
    user: req.user ?? null,
    metadata: isRecord(extra.metadata) ? extra.metadata : {},
  };
}

export function reasoningItem(text: string, signature: string | undefined): ReasoningItem {
  const fields = reasoningItemForClient(signature);
  const item: ReasoningItem = { id: fields.id, type: "reasoning", summary: text ? [{ type: "summary_text", text }] : [] };
  if (fields.encrypted_content !== undefined) item.encrypted_content = fields.encrypted_content;
  return item;
}

export function toolCallItem(
  callId: string,
  name: string,
  args: string,
  custom: boolean,
  status: "in_progress" | "completed",
): FunctionCallItem | CustomToolCallItem {
  if (custom) return { id: newId("ctc"), type: "custom_tool_call", status, input: args, call_id: callId, name };
  return { id: newId("fc"), type: "function_call", status, arguments: args, call_id: callId, name };
}

/** Canonical output parts as output items: runs of text become one assistant message. */
export function outputItems(content: OutputPart[], customTools: Set<string>): OutputItem[] {
  const items: OutputItem[] = [];
  let text: string | undefined;
  const flush = () => {
    if (text === undefined) return;
    items.push({
      id: newId("msg"),
      type: "message",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
    });
    text = undefined;
  };
  for (const part of content) {
    switch (part.type) {
      case "text":
        text = (text ?? "") + part.text;
        break;
      case "thinking":
        flush();
        items.push(reasoningItem(part.text, part.signature));
        break;
      case "redacted-thinking":
        flush();
        items.push({ type: "reasoning", summary: [], ...redactedItemForClient(part.data) });
        break;
      case "tool-call":
        flush();
        items.push(
          toolCallItem(idWithSignature(part.id, part.signature), part.name, part.arguments, customTools.has(part.name), "completed"),
        );
        break;
      default:
        assertNever(part, "output part");
    }
  }
  flush();
  return items;
}
