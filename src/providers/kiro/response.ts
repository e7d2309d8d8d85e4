// Kiro's answer as Anthropic speaks it: event-stream frames re-emitted as Anthropic SSE, or one Message JSON, or an error body.
//
// Error bodies are AWS JSON ({"message", "reason"?, "__type"?}). Kiro says an access token is no longer valid with
// 403 "The bearer token included in the request is invalid." and an exhausted plan with reason
// "MONTHLY_REQUEST_COUNT" (ServiceQuotaExceededException, HTTP 402) -- as the Kiro gateways classify them
// (e.g. kiro.rs default_is_bearer_token_invalid / QuotaExceeded, AIClient-2-API claude-kiro.js 403 -> refresh).
import { SSE_HEADERS } from "../../canonical/sse.ts";
import type { CanonicalRequest } from "../../canonical/request.ts";
import { assertNever, type CanonicalEvent, type CanonicalResponse, type OutputPart } from "../../canonical/response.ts";
import { emptyUsage, type FinishReason } from "../../canonical/usage.ts";
import { anthropicFormat } from "../../formats/anthropic/index.ts";
import { encodeError } from "../../formats/anthropic/errors.ts";
import { GatewayError, kindForStatus } from "../../canonical/errors.ts";
import { decodeEventStream } from "./event-stream.ts";
import { kiroToCanonical, type KiroStreamContext } from "./events.ts";

const encoder = new TextEncoder();

export interface KiroError {
  status: number;
  message: string;
  /** The plan's monthly limit is reached. */
  monthlyLimit: boolean;
  /** The access token was rejected: a refresh may help. */
  tokenInvalid: boolean;
}

/** What an AWS error body says, in words a person can act on. */
export function readKiroError(status: number, text: string): KiroError {
  let message = text.trim() || `HTTP ${status}`;
  let reason: string | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") {
      const body = parsed as Record<string, unknown>;
      const m = body.message ?? body.Message;
      if (typeof m === "string") message = m;
      if (typeof body.reason === "string") reason = body.reason;
    }
  } catch {
    /* plain text body */
  }
  const monthlyLimit = reason === "MONTHLY_REQUEST_COUNT" || text.includes("MONTHLY_REQUEST_COUNT");
  const tokenInvalid = /bearer token included in the request is invalid/i.test(message);
  if (monthlyLimit)
    return {
      status: 402,
      message: `Kiro's monthly usage limit is reached (MONTHLY_REQUEST_COUNT): ${message}`,
      monthlyLimit,
      tokenInvalid,
    };
  return { status, message: `Kiro: ${message}${reason ? ` (${reason})` : ""}`, monthlyLimit, tokenInvalid };
}

/** An upstream error re-worded as an Anthropic error body, keeping the status and the retry headers. */
export function kiroErrorResponse(headers: Headers, error: KiroError): Response {
  const body = encodeError(new GatewayError(kindForStatus(error.status), error.message, { status: error.status }));
  const out = new Headers({ "content-type": "application/json" });
  for (const name of ["retry-after", "x-amzn-requestid"]) {
    const value = headers.get(name);
    if (value) out.set(name, value);
  }
  return new Response(JSON.stringify(body), { status: error.status, headers: out });
}

function minimalRequest(model: string, stream: boolean): CanonicalRequest {
  return { model, messages: [], stream, extra: {} };
}

/** The event stream as Anthropic SSE frames, each sent as soon as its Kiro message arrives. */
export function kiroSseResponse(body: ReadableStream<Uint8Array>, ctx: KiroStreamContext): Response {
  const events = kiroToCanonical(decodeEventStream(body), ctx);
  const frames = anthropicFormat.encodeStream(events, minimalRequest(ctx.model, true))[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await frames.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await frames.return?.(undefined);
    },
  });
  return new Response(stream, { status: 200, headers: SSE_HEADERS });
}

/** The whole event stream collected into one Anthropic Message (the answer to a non-streamed request). */
export async function kiroMessageResponse(body: ReadableStream<Uint8Array>, ctx: KiroStreamContext): Promise<Response> {
  const res = await collect(kiroToCanonical(decodeEventStream(body), ctx), ctx);
  if (res instanceof GatewayError) {
    return new Response(JSON.stringify(encodeError(res)), { status: res.status, headers: { "content-type": "application/json" } });
  }
  return Response.json(anthropicFormat.encodeResponse(res, minimalRequest(ctx.model, false)));
}

async function collect(events: AsyncIterable<CanonicalEvent>, ctx: KiroStreamContext): Promise<CanonicalResponse | GatewayError> {
  const content: OutputPart[] = [];
  const usage = emptyUsage();
  let finish: FinishReason = "stop";
  const tools = new Map<number, { id: string; name: string; args: string }>();
  for await (const event of events) {
    switch (event.type) {
      case "text-delta": {
        const last = content.at(-1);
        if (last?.type === "text") last.text += event.text;
        else content.push({ type: "text", text: event.text });
        break;
      }
      case "tool-call-start": {
        const tool = { id: event.id, name: event.name, args: "" };
        tools.set(event.index, tool);
        content.push({ type: "tool-call", id: tool.id, name: tool.name, arguments: "" });
        break;
      }
      case "tool-args-delta": {
        const tool = tools.get(event.index);
        if (tool) tool.args += event.delta;
        break;
      }
      case "finish":
        finish = event.reason;
        Object.assign(usage, event.usage);
        break;
      case "error":
        return event.error;
      case "start":
      case "tool-call-end":
      case "usage":
      case "reasoning-delta":
      case "reasoning-signature":
      case "redacted-reasoning":
        // Kiro's stream carries no reasoning events; start, tool ends and usage say nothing the message needs.
        break;
      default:
        return assertNever(event, "canonical event");
    }
  }
  for (const part of content) {
    if (part.type !== "tool-call") continue;
    const tool = [...tools.values()].find((t) => t.id === part.id);
    part.arguments = tool?.args || "{}";
  }
  return { id: ctx.id, model: ctx.model, content, finishReason: finish, usage, created: Math.floor(Date.now() / 1000) };
}
