// Non-streamed answers: an upstream's `response` object as canonical, and canonical as a client's `response`.
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import type { CanonicalResponse, OutputPart } from "../../canonical/response.ts";
import { emptyUsage } from "../../canonical/usage.ts";
import { customToolNames } from "./custom-tools.ts";
import { decodeStreamError } from "./errors.ts";
import { responseId } from "./ids.ts";
import { decodeReasoningItem } from "./reasoning-signature.ts";
import { baseResponse, outputItems } from "./response-object.ts";
import { decodeFinishReason, encodeFinishReason } from "./stop-reason.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";
import { isRecord, num, str, type Json, type WireResponse } from "./wire.ts";

/** The summary (or, failing that, the raw reasoning text) of a reasoning item. */
export function reasoningText(item: Json): string {
  const texts = (list: unknown, type: string) =>
    Array.isArray(list) ? list.filter((p): p is Json => isRecord(p) && p.type === type).map((p) => str(p.text) ?? "") : [];
  const summary = texts(item.summary, "summary_text");
  return (summary.length ? summary : texts(item.content, "reasoning_text")).join("\n\n");
}

export function decodeResponse(body: unknown): CanonicalResponse {
  if (!isRecord(body)) throw new GatewayError("upstream", "The upstream answered with something other than a Responses object.");
  const status = str(body.status);
  if (status === "failed" || isRecord(body.error)) throw decodeStreamError(body.error, "The upstream response failed.");

  const content: OutputPart[] = [];
  let calledTools = false;
  let refused = false;
  for (const item of Array.isArray(body.output) ? body.output : []) {
    if (!isRecord(item)) continue;
    switch (item.type) {
      case "message":
        for (const part of Array.isArray(item.content) ? item.content : []) {
          if (!isRecord(part)) continue;
          if (part.type === "output_text") content.push({ type: "text", text: str(part.text) ?? "" });
          else if (part.type === "refusal") {
            refused = true;
            content.push({ type: "text", text: str(part.refusal) ?? "" });
          }
        }
        break;
      case "reasoning": {
        const decoded = decodeReasoningItem(str(item.id), str(item.encrypted_content));
        if (decoded.kind === "redacted") {
          content.push({ type: "redacted-thinking", data: decoded.data });
          break;
        }
        const text = reasoningText(item);
        if (text || decoded.signature)
          content.push(decoded.signature ? { type: "thinking", text, signature: decoded.signature } : { type: "thinking", text });
        break;
      }
      case "function_call":
      case "custom_tool_call":
        calledTools = true;
        content.push({
          type: "tool-call",
          id: str(item.call_id) ?? str(item.id) ?? "",
          name: str(item.name) ?? "",
          arguments: (item.type === "function_call" ? str(item.arguments) : str(item.input)) ?? "",
        });
        break;
      default:
        // Hosted tool calls (web_search_call, ...) ran upstream; their results are in the message text.
        break;
    }
  }
  const incomplete = isRecord(body.incomplete_details) ? str(body.incomplete_details.reason) : undefined;
  let finishReason = decodeFinishReason(status, incomplete, calledTools);
  if (refused && finishReason === "stop") finishReason = "content-filter";
  return {
    id: str(body.id) ?? "",
    model: str(body.model) ?? "",
    content,
    finishReason,
    usage: { ...emptyUsage(), ...decodeUsage(body.usage) },
    created: num(body.created_at) ?? Math.floor(Date.now() / 1000),
  };
}

export function encodeResponse(res: CanonicalResponse, req: CanonicalRequest): WireResponse {
  const { status, incomplete } = encodeFinishReason(res.finishReason);
  const response = baseResponse(req, responseId(res.id), res.model || req.model, res.created);
  response.status = status;
  response.incomplete_details = incomplete;
  response.output = outputItems(res.content, customToolNames(req));
  response.usage = encodeUsage(res.usage);
  if (status === "completed") response.completed_at = Math.floor(Date.now() / 1000);
  if (status === "failed") response.error = { code: "server_error", message: "The upstream ended the response with an error." };
  return response;
}
