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
import { encodeStreamWith } from "../stream-codecs.ts";
import type { StreamEncoder } from "../types.ts";
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

/** Nothing to send for this event (shared; callers only read the arrays a codec returns). */
const NONE: string[] = [];

class GeminiStreamEncoder implements StreamEncoder {
  done = false;
  private id = "";
  private model: string;
  private usage: Partial<Usage> = {};
  private finish: FinishReason | undefined;
  private readonly pending = new Map<number, PendingCall>();

  constructor(req: CanonicalRequest) {
    this.model = req.model;
  }

  push(event: CanonicalEvent): string[] {
    switch (event.type) {
      case "start":
        this.id = event.id || this.id;
        this.model = event.model || this.model;
        this.usage = { ...this.usage, ...event.usage };
        return NONE;
      case "text-delta":
        return event.text && !this.finish ? [this.chunk([{ text: event.text }])] : NONE;
      case "reasoning-delta":
        return event.text && !this.finish ? [this.chunk([{ text: event.text, thought: true }])] : NONE;
      case "reasoning-signature":
        return this.finish ? NONE : [this.chunk([{ text: "", thought: true, thoughtSignature: event.signature }])];
      case "redacted-reasoning":
        return NONE;
      case "tool-call-start":
        this.pending.set(event.index, { id: event.id, name: event.name, signature: event.signature, args: "" });
        return NONE;
      case "tool-args-delta": {
        const call = this.pending.get(event.index);
        if (call) call.args += event.delta;
        return NONE;
      }
      case "tool-call-end": {
        const call = this.pending.get(event.index);
        this.pending.delete(event.index);
        return call && !this.finish ? [this.chunk([callPart(call)])] : NONE;
      }
      case "usage":
        this.usage = { ...this.usage, ...event.usage };
        return NONE;
      case "finish":
        this.finish ??= event.reason;
        this.usage = { ...this.usage, ...event.usage };
        return NONE;
      case "error":
        // After finish the answer is whole: the last chunk still goes out at the end.
        if (this.finish) return NONE;
        this.done = true;
        return [errorFrame(event.error)];
      default:
        return assertNever(event, "stream event");
    }
  }

  /** The last chunk (finishReason, usage, calls never ended), or the error frame when the answer never finished. */
  end(): string[] {
    if (this.done) return NONE;
    this.done = true;
    if (!this.finish) return [errorFrame(new GatewayError("upstream", "The upstream stream ended before the answer finished"))];
    const parts = [...this.pending.values()].map(callPart);
    return [this.chunk(parts.length ? parts : [{ text: "" }], this.finish)];
  }

  /** As an error event then the end: after finish the last chunk, else the error frame. */
  fail(err: GatewayError): string[] {
    if (this.done) return NONE;
    if (this.finish) return this.end();
    this.done = true;
    return [errorFrame(err)];
  }

  private chunk(parts: GeminiPart[], last?: FinishReason): string {
    const body: GeminiResponse = {
      candidates: [{ content: { parts, role: "model" }, ...(last ? { finishReason: encodeFinishReason(last) } : {}), index: 0 }],
      ...(last ? { usageMetadata: encodeUsage(this.usage) } : {}),
      modelVersion: this.model,
      responseId: this.id || (this.id = newResponseId()),
    };
    return sseFrame(JSON.stringify(body));
  }
}

function errorFrame(err: GatewayError): string {
  return sseFrame(JSON.stringify(encodeGeminiError(err)));
}

/** The Gemini push encoder for one stream (see the top of this file). */
export function createGeminiStreamEncoder(req: CanonicalRequest): StreamEncoder {
  return new GeminiStreamEncoder(req);
}

export function encodeGeminiStream(events: AsyncIterable<CanonicalEvent>, req: CanonicalRequest): AsyncGenerator<string> {
  return encodeStreamWith(createGeminiStreamEncoder(req), events);
}
