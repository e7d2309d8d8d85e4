// The Responses fast path: the body passes with the upstream model (stateless rules kept); usage is in the terminal event.
import type { GatewayError } from "../../canonical/errors.ts";
import { sseFrame } from "../../canonical/sse.ts";
import type { Passthrough } from "../types.ts";
import { responseError } from "./errors.ts";
import { isForeignEncrypted } from "./reasoning-signature.ts";
import { refuseServerState } from "./request-decode.ts";
import { decodeFinishReason } from "./stop-reason.ts";
import { decodeUsage } from "./usage.ts";
import { isRecord } from "./wire.ts";
import { idCarriesSignature, splitToolCallId } from "../../canonical/tool-call-signature.ts";

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

export const responsesPassthrough: Passthrough = {
  temperature: (body) => (typeof body.temperature === "number" ? body.temperature : undefined),
  // Typed as the Responses API's own `keepalive` event, which the SDK's accumulator knows to pass over.
  progressFrame: (p) =>
    `event: progress\ndata: ${JSON.stringify({ type: "keepalive", omniroute_progress: { tokens: p.tokens, elapsed_ms: p.elapsedMs } })}\n\n`,
  forwardBody(body, model) {
    // The same stateless rules as the translated path: no server-side state (previous_response_id,
    // conversation), and nothing left stored upstream unless the client asked for it.
    refuseServerState(body);
    const forwarded: Record<string, unknown> = { ...body, model, store: body.store ?? false };
    // Reasoning another provider produced (wrapped by this gateway for the client) means nothing to OpenAI.
    if (Array.isArray(body.input)) {
      // ...nor does a Gemini thought signature riding in a call_id (canonical/tool-call-signature.ts).
      forwarded.input = body.input
        .filter((item) => !(isRecord(item) && item.type === "reasoning" && isForeignEncrypted(item.encrypted_content)))
        .map((item) =>
          isRecord(item) && idCarriesSignature(item.call_id) ? { ...item, call_id: splitToolCallId(item.call_id).id } : item,
        );
    }
    return { body: forwarded, addedUsageFrame: false };
  },
  frameUsage(data) {
    if (!isRecord(data) || typeof data.type !== "string" || !TERMINAL.has(data.type) || !isRecord(data.response)) return undefined;
    return decodeUsage(data.response.usage);
  },
  isUsageOnlyFrame() {
    return false;
  },
  // The terminal event carries the whole response (parsed for its usage anyway).
  frameFinish: (data) =>
    isRecord(data) && typeof data.type === "string" && TERMINAL.has(data.type) ? responseFinish(data.response) : undefined,
  responseFinish: (body) => responseFinish(body),
  // The terminal events (response.failed has its error), also when their usage is null.
  streamMarkers: ['"response.completed"', '"response.incomplete"'],
  isErrorFrame(data, event) {
    const type = isRecord(data) ? data.type : undefined;
    return type === "error" || type === "response.failed" || event === "error" || event === "response.failed";
  },
  streamErrorFrames(err: GatewayError, sent = 0) {
    // The fast path does not keep the upstream's response id, which response.failed would need to match,
    // so a broken stream ends with the `error` event (the SDK raises it as APIError). Its sequence_number
    // follows the events already sent, which the upstream numbered from 0; the AI SDK requires it.
    const { code, message, param } = responseError(err);
    return sseFrame(JSON.stringify({ type: "error", sequence_number: sent, code, message, param: param ?? null }), "error");
  },
  responseUsage(body) {
    return isRecord(body) ? decodeUsage(body.usage) : undefined;
  },
};

/** The finish reason of a finished response object: its status, why it is incomplete, whether it called tools. */
function responseFinish(response: unknown) {
  if (!isRecord(response) || typeof response.status !== "string") return undefined;
  const incomplete =
    isRecord(response.incomplete_details) && typeof response.incomplete_details.reason === "string"
      ? response.incomplete_details.reason
      : undefined;
  const calledTools = Array.isArray(response.output) && response.output.some((item) => isRecord(item) && item.type === "function_call");
  return decodeFinishReason(response.status, incomplete, calledTools);
}
