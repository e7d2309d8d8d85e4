// chat.completion objects <-> CanonicalResponse.
import { idWithSignature } from "../../canonical/tool-call-signature.ts";
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import { assertNever, type CanonicalResponse, type OutputPart } from "../../canonical/response.ts";
import { emptyUsage, type FinishReason } from "../../canonical/usage.ts";
import { gatewayErrorFrom } from "./errors.ts";
import { decodeFinishReason, encodeFinishReason, type ChatFinishReason } from "./stop-reason.ts";
import { decodeUsage, encodeUsage, type ChatUsage } from "./usage.ts";
import { isRecord, type Json, type WireToolCall } from "./wire.ts";

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: {
      role: "assistant";
      content: string | null;
      refusal: null;
      reasoning_content?: string;
      tool_calls?: WireToolCall[];
    };
    finish_reason: ChatFinishReason;
    logprobs: null;
  }>;
  usage: ChatUsage;
}

export function newCompletionId(): string {
  return `chatcmpl-${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

/** Text of a message `content`: a string, or (some compatible providers) an array of text parts. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((p: unknown) => (isRecord(p) && typeof p.text === "string" ? p.text : "")).join("");
}

/** The parts of a response message: thinking first, then text (and a refusal), then tool calls. */
function outputParts(message: Json): OutputPart[] {
  const parts: OutputPart[] = [];
  const thinking =
    typeof message.reasoning_content === "string"
      ? message.reasoning_content
      : typeof message.reasoning === "string"
        ? message.reasoning
        : "";
  if (thinking) parts.push({ type: "thinking", text: thinking });
  const text = contentText(message.content);
  if (text) parts.push({ type: "text", text });
  if (typeof message.refusal === "string" && message.refusal) parts.push({ type: "text", text: message.refusal });
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  calls.forEach((tc: unknown, i) => {
    if (!isRecord(tc)) return;
    // Custom (free-form) tool calls carry their input as text where function calls carry arguments.
    const fn = isRecord(tc.function) ? tc.function : isRecord(tc.custom) ? tc.custom : {};
    const args = fn.arguments ?? fn.input;
    parts.push({
      type: "tool-call",
      id: typeof tc.id === "string" && tc.id ? tc.id : `call_${i}`,
      name: typeof fn.name === "string" ? fn.name : "",
      arguments: typeof args === "string" ? args : args === undefined ? "{}" : JSON.stringify(args),
    });
  });
  if (isRecord(message.function_call) && typeof message.function_call.name === "string") {
    const args = message.function_call.arguments;
    parts.push({ type: "tool-call", id: "call_fn_0", name: message.function_call.name, arguments: typeof args === "string" ? args : "{}" });
  }
  return parts;
}

export function decodeResponse(body: unknown): CanonicalResponse {
  if (!isRecord(body)) throw new GatewayError("upstream", "The upstream answered with a body that is not a chat.completion object.");
  if (body.error !== undefined && body.error !== null) throw gatewayErrorFrom(body.error);
  const choices = Array.isArray(body.choices) ? body.choices.filter(isRecord) : [];
  const choice = choices.find((c) => (c.index ?? 0) === 0) ?? choices[0];
  if (!choice) throw new GatewayError("upstream", "The upstream answered with no choices.");
  const message = isRecord(choice.message) ? choice.message : {};
  const content = outputParts(message);
  let finishReason: FinishReason = decodeFinishReason(choice.finish_reason);
  const hasCalls = content.some((p) => p.type === "tool-call");
  if (finishReason === "stop" && hasCalls) finishReason = "tool-calls";
  // A refusal with nothing else said is the model declining: canonical "content-filter".
  if (finishReason === "stop" && typeof message.refusal === "string" && message.refusal && !contentText(message.content))
    finishReason = "content-filter";
  return {
    id: typeof body.id === "string" && body.id ? body.id : newCompletionId(),
    model: typeof body.model === "string" ? body.model : "",
    content,
    finishReason,
    usage: { ...emptyUsage(), ...decodeUsage(body.usage ?? choice.usage) },
    created: typeof body.created === "number" ? body.created : Math.floor(Date.now() / 1000),
  };
}

/**
 * A canonical answer as a chat.completion. Thinking becomes `reasoning_content` (the de-facto field of
 * compatible providers; OpenAI's own SDK passes it through untyped); signatures and redacted thinking
 * have no Chat field and are left out.
 */
export function encodeResponse(res: CanonicalResponse, _req: CanonicalRequest): ChatCompletion {
  const texts: string[] = [];
  const thinking: string[] = [];
  const calls: WireToolCall[] = [];
  for (const part of res.content) {
    switch (part.type) {
      case "text":
        texts.push(part.text);
        break;
      case "thinking":
        if (part.text) thinking.push(part.text);
        break;
      case "redacted-thinking":
        break;
      case "tool-call":
        calls.push({
          id: idWithSignature(part.id, part.signature),
          type: "function",
          function: { name: part.name, arguments: part.arguments },
        });
        break;
      default:
        return assertNever(part, "output part");
    }
  }
  const text = texts.join("");
  const message: ChatCompletion["choices"][0]["message"] = { role: "assistant", content: text || null, refusal: null };
  if (thinking.length > 0) message.reasoning_content = thinking.join("\n\n");
  if (calls.length > 0) message.tool_calls = calls;
  return {
    id: res.id,
    object: "chat.completion",
    created: res.created,
    model: res.model,
    choices: [{ index: 0, message, finish_reason: encodeFinishReason(res.finishReason, calls.length > 0), logprobs: null }],
    usage: encodeUsage(res.usage),
  };
}
