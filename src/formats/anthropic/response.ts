// A non-streamed Anthropic Message <-> CanonicalResponse.
import { thinkingSignatureForCall } from "../../canonical/tool-call-signature.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import { assertNever, type CanonicalResponse, type OutputPart } from "../../canonical/response.ts";
import { GatewayError } from "../../canonical/errors.ts";
import { parseArguments } from "./content-encode.ts";
import { decodeStopReason, encodeStopReason } from "./stop-reason.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";
import { isRecord, type Json } from "./wire.ts";

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** Output blocks canonical has no part for (server_tool_use, web_search_tool_result, ...) are not carried. */
export function decodeResponse(body: unknown): CanonicalResponse {
  if (!isRecord(body) || !Array.isArray(body.content)) {
    throw new GatewayError("upstream", "The upstream answered with a body that is not an Anthropic message");
  }
  const content: OutputPart[] = [];
  for (const block of body.content) {
    if (!isRecord(block)) continue;
    if (block.type === "text") content.push({ type: "text", text: str(block.text) });
    else if (block.type === "thinking") {
      content.push({
        type: "thinking",
        text: str(block.thinking),
        ...(typeof block.signature === "string" ? { signature: block.signature } : {}),
      });
    } else if (block.type === "redacted_thinking") content.push({ type: "redacted-thinking", data: str(block.data) });
    else if (block.type === "tool_use") {
      content.push({ type: "tool-call", id: str(block.id), name: str(block.name), arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  const res: CanonicalResponse = {
    id: str(body.id),
    model: str(body.model),
    content,
    finishReason: decodeStopReason(body.stop_reason),
    usage: decodeUsage(body.usage),
    created: Math.floor(Date.now() / 1000),
  };
  if (typeof body.stop_sequence === "string") res.stopSequence = body.stop_sequence;
  return res;
}

function encodeOutputPart(part: OutputPart): Json {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "thinking":
      return { type: "thinking", thinking: part.text, signature: part.signature ?? "" };
    case "redacted-thinking":
      return { type: "redacted_thinking", data: part.data };
    case "tool-call":
      return { type: "tool_use", id: part.id, name: part.name, input: parseArguments(part.arguments) };
    default:
      return assertNever(part, "output part");
  }
}

/**
 * A tool call with a signature (Gemini's) gets it in the thinking block just before it: the one the
 * model wrote when it has no signature of its own, else an empty one (tool-call-signature.ts).
 */
function withCallSignatureCarriers(blocks: Json[], parts: OutputPart[]): Json[] {
  if (!parts.some((p) => p.type === "tool-call" && p.signature)) return blocks;
  const out: Json[] = [];
  parts.forEach((part, i) => {
    if (part.type === "tool-call" && part.signature) {
      const signature = thinkingSignatureForCall(part.id, part.signature);
      const last = out.at(-1);
      if (last?.type === "thinking" && !last.signature) last.signature = signature;
      else out.push({ type: "thinking", thinking: "", signature });
    }
    out.push(blocks[i]!);
  });
  return out;
}

export function encodeResponse(res: CanonicalResponse, req: CanonicalRequest): Json {
  const hasToolCalls = res.content.some((p) => p.type === "tool-call");
  return {
    id: res.id,
    type: "message",
    role: "assistant",
    model: res.model || req.model,
    content: withCallSignatureCarriers(res.content.map(encodeOutputPart), res.content),
    stop_reason: encodeStopReason(res.finishReason, hasToolCalls),
    stop_sequence: res.stopSequence ?? null,
    usage: encodeUsage(res.usage),
  };
}
