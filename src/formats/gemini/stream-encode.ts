// Canonical events as Gemini `alt=sse` frames: one GenerateContentResponse chunk per piece of output.
//
// Text and thoughts go out as soon as they arrive. A functionCall can only be sent whole, so a tool
// call's argument deltas are held until its tool-call-end. The last chunk carries finishReason and
// usageMetadata (held to the end of the canonical stream, since usage may follow finish), with an
// empty text part when it has nothing else, as Gemini's own last chunk does, so the SDK's chat
// history accepts it. An error, or an end without finish, is sent as Gemini does mid-stream: a final
// `data: {"error":{code,message,status}}` frame.
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import { assertNever, type CanonicalEvent } from "../../canonical/response.ts";
import { sseFrame } from "../../canonical/sse.ts";
import type { FinishReason, Usage } from "../../canonical/usage.ts";
import { encodeGeminiError } from "./errors.ts";
import { argsObject } from "./response.ts";
import { encodeFinishReason } from "./stop-reason.ts";
import { encodeUsage } from "./usage.ts";
import { newResponseId, type GeminiPart, type GeminiResponse } from "./wire.ts";

interface PendingCall {
  id: string;
  name: string;
  signature?: string;
  args: string;
}

function callPart(call: PendingCall): GeminiPart {
  return {
    functionCall: { id: call.id, name: call.name, args: argsObject(call.args) },
    ...(call.signature ? { thoughtSignature: call.signature } : {}),
  };
}

export async function* encodeGeminiStream(events: AsyncIterable<CanonicalEvent>, req: CanonicalRequest): AsyncGenerator<string> {
  let id = "";
  let model = req.model;
  let usage: Partial<Usage> = {};
  let finish: FinishReason | undefined;
  const pending = new Map<number, PendingCall>();

  const chunk = (parts: GeminiPart[], last?: FinishReason): string => {
    const body: GeminiResponse = {
      candidates: [{ content: { parts, role: "model" }, ...(last ? { finishReason: encodeFinishReason(last) } : {}), index: 0 }],
      ...(last ? { usageMetadata: encodeUsage(usage) } : {}),
      modelVersion: model,
      responseId: id || (id = newResponseId()),
    };
    return sseFrame(JSON.stringify(body));
  };
  const errorFrame = (err: GatewayError): string => sseFrame(JSON.stringify(encodeGeminiError(err)));

  for await (const event of events) {
    switch (event.type) {
      case "start":
        id = event.id || id;
        model = event.model || model;
        usage = { ...usage, ...event.usage };
        break;
      case "text-delta":
        if (event.text && !finish) yield chunk([{ text: event.text }]);
        break;
      case "reasoning-delta":
        if (event.text && !finish) yield chunk([{ text: event.text, thought: true }]);
        break;
      case "reasoning-signature":
        if (!finish) yield chunk([{ text: "", thought: true, thoughtSignature: event.signature }]);
        break;
      case "redacted-reasoning":
        break;
      case "tool-call-start":
        pending.set(event.index, { id: event.id, name: event.name, signature: event.signature, args: "" });
        break;
      case "tool-args-delta": {
        const call = pending.get(event.index);
        if (call) call.args += event.delta;
        break;
      }
      case "tool-call-end": {
        const call = pending.get(event.index);
        pending.delete(event.index);
        if (call && !finish) yield chunk([callPart(call)]);
        break;
      }
      case "usage":
        usage = { ...usage, ...event.usage };
        break;
      case "finish":
        finish ??= event.reason;
        usage = { ...usage, ...event.usage };
        break;
      case "error":
        if (finish) break;
        yield errorFrame(event.error);
        return;
      default:
        assertNever(event, "stream event");
    }
  }

  if (!finish) {
    yield errorFrame(new GatewayError("upstream", "The upstream stream ended before the answer finished"));
    return;
  }
  const parts = [...pending.values()].map(callPart);
  yield chunk(parts.length ? parts : [{ text: "" }], finish);
}
