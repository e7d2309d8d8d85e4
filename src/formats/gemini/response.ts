// A non-streamed GenerateContentResponse <-> CanonicalResponse, and the part mappings streams share.
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import { assertNever, type CanonicalResponse, type OutputPart } from "../../canonical/response.ts";
import { emptyUsage } from "../../canonical/usage.ts";
import { errorFromChunk } from "./errors.ts";
import { camelKeys } from "./keys.ts";
import { decodeFinishReason, encodeFinishReason } from "./stop-reason.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";
import { isRecord, newCallId, newResponseId, str, type GeminiPart, type GeminiResponse, type Json } from "./wire.ts";

/**
 * One answer part as canonical output. Plain-text thoughtSignatures are not kept (optional to return,
 * per Gemini's docs); inline media the model generated has no canonical output part and is skipped;
 * code-execution parts read as text.
 */
export function decodeOutputPart(raw: unknown): OutputPart | undefined {
  if (!isRecord(raw)) return undefined;
  const part = camelKeys(raw);
  const signature = str(part.thoughtSignature);
  if (typeof part.text === "string") {
    if (part.thought === true) return { type: "thinking", text: part.text, ...(signature ? { signature } : {}) };
    return part.text === "" ? undefined : { type: "text", text: part.text };
  }
  if (isRecord(part.functionCall)) {
    const call = part.functionCall;
    return {
      type: "tool-call",
      id: str(call.id) || newCallId(),
      name: str(call.name) ?? "",
      arguments: JSON.stringify(isRecord(call.args) ? call.args : {}),
      ...(signature ? { signature } : {}),
    };
  }
  if (isRecord(part.executableCode)) {
    const code = camelKeys(part.executableCode);
    const lang = (str(code.language) ?? "").toLowerCase().replace("language_unspecified", "");
    return { type: "text", text: `\`\`\`${lang}\n${str(code.code) ?? ""}\n\`\`\`` };
  }
  if (isRecord(part.codeExecutionResult)) {
    const output = str(camelKeys(part.codeExecutionResult).output);
    return output ? { type: "text", text: output } : undefined;
  }
  return undefined;
}

/** Candidate 0's parts, or none. */
export function candidateParts(body: Json): unknown[] {
  const candidate = Array.isArray(body.candidates) && isRecord(body.candidates[0]) ? body.candidates[0] : undefined;
  const content = candidate && isRecord(candidate.content) ? candidate.content : undefined;
  return content && Array.isArray(content.parts) ? content.parts : [];
}

export function candidateFinish(body: Json): string | undefined {
  const candidate = Array.isArray(body.candidates) && isRecord(body.candidates[0]) ? body.candidates[0] : undefined;
  const reason = candidate ? str(candidate.finishReason) : undefined;
  if (reason) return reason;
  const feedback = isRecord(body.promptFeedback) ? body.promptFeedback : undefined;
  return feedback && str(feedback.blockReason) ? "SAFETY" : undefined;
}

export function decodeGeminiResponse(body: unknown): CanonicalResponse {
  if (!isRecord(body)) throw new GatewayError("upstream", "Gemini answered with a body that is not a JSON object");
  const error = errorFromChunk(body);
  if (error) throw error;
  const content: OutputPart[] = [];
  for (const raw of candidateParts(body)) {
    const part = decodeOutputPart(raw);
    if (part) content.push(part);
  }
  const hasToolCalls = content.some((p) => p.type === "tool-call");
  const finish = candidateFinish(body);
  return {
    id: str(body.responseId) ?? newResponseId(),
    model: str(body.modelVersion) ?? "",
    content,
    finishReason: finish ? decodeFinishReason(finish, hasToolCalls) : hasToolCalls ? "tool-calls" : "stop",
    usage: { ...emptyUsage(), ...decodeUsage(body.usageMetadata) },
    created: Math.floor(Date.now() / 1000),
  };
}

/** Tool-call arguments as the args object Gemini sends (unparseable text cannot be sent; it becomes {}). */
export function argsObject(text: string): Json {
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

export function encodeOutputPart(part: OutputPart): GeminiPart | undefined {
  switch (part.type) {
    case "text":
      return { text: part.text };
    case "thinking":
      return { text: part.text, thought: true, ...(part.signature ? { thoughtSignature: part.signature } : {}) };
    case "redacted-thinking":
      return undefined;
    case "tool-call":
      return {
        functionCall: { id: part.id, name: part.name, args: argsObject(part.arguments) },
        ...(part.signature ? { thoughtSignature: part.signature } : {}),
      };
    default:
      return assertNever(part, "output part");
  }
}

export function encodeGeminiResponse(res: CanonicalResponse, req: CanonicalRequest): GeminiResponse {
  const parts: GeminiPart[] = [];
  for (const p of res.content) {
    const encoded = encodeOutputPart(p);
    if (encoded) parts.push(encoded);
  }
  return {
    candidates: [{ content: { parts, role: "model" }, finishReason: encodeFinishReason(res.finishReason), index: 0 }],
    usageMetadata: encodeUsage(res.usage),
    modelVersion: res.model || req.model,
    responseId: res.id,
  };
}
