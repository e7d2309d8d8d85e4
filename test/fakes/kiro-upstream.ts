// A fake Kiro runtime (CodeWhisperer POST /generateAssistantResponse), answering as the real one does: an AWS event stream
// (application/vnd.amazon.eventstream) of assistantResponseEvent {content}, toolUseEvent {name, toolUseId, input | stop},
// meteringEvent {unit, unitPlural, usage} and contextUsageEvent {contextUsagePercentage} messages, sent in arbitrary
// byte splits; AWS JSON errors {"message", "reason"} (403 "The bearer token included in the request is invalid." for a
// dead token, 402 reason MONTHLY_REQUEST_COUNT when the plan is used up, 400 "Improperly formed request." for a
// conversation the service refuses); mid-stream failures as `:message-type: exception` frames (kiroException).
import { encodeEventStreamMessage } from "../../src/providers/kiro/event-stream.ts";
import {
  DEFAULT_USAGE,
  hangingResponse,
  splitText,
  startFake,
  type FakeUpstream,
  type RecordedRequest,
  type Scenario,
  type ScenarioSource,
} from "./scenario.ts";

export interface KiroUpstreamOptions {
  /** Whether a bearer token is live (e.g. the fake OIDC server's check); every token is when absent. */
  isLiveToken?(token: string): boolean;
  /** Bytes per network write: frames are cut across writes at these sizes (default 7, to split every frame). */
  chunkBytes?: number;
}

const CONTEXT_WINDOW = 200_000;

function event(type: string, payload: Record<string, unknown>): Uint8Array {
  return encodeEventStreamMessage(
    { ":event-type": type, ":content-type": "application/json", ":message-type": "event" },
    JSON.stringify(payload),
  );
}

/** A mid-stream failure frame, as the service sends one (for tests that script their own streams). */
export function kiroException(type: string, message: string): Uint8Array {
  return encodeEventStreamMessage(
    { ":exception-type": type, ":content-type": "application/json", ":message-type": "exception" },
    JSON.stringify({ message }),
  );
}

export function kiroEvent(type: string, payload: Record<string, unknown>): Uint8Array {
  return event(type, payload);
}

function awsError(status: number, message: string, reason: string | null = null, headers: Record<string, string> = {}): Response {
  return Response.json({ message, reason }, { status, headers: { "x-amzn-requestid": crypto.randomUUID(), ...headers } });
}

/** The rules the service enforces on the conversation (the ones a gateway can get wrong). */
function malformed(body: any): string | undefined {
  const state = body?.conversationState;
  const current = state?.currentMessage?.userInputMessage;
  if (!state?.conversationId || !current || typeof current.content !== "string" || !current.content) return "currentMessage";
  if (!current.modelId) return "modelId";
  const history: any[] = Array.isArray(state.history) ? state.history : [];
  const roles = [...history.map((t) => (t.userInputMessage ? "user" : t.assistantResponseMessage ? "assistant" : "?")), "user"];
  if (roles[0] !== "user" || roles.some((r, i) => r === "?" || (i > 0 && r === roles[i - 1]))) return "alternation";
  const tools = current.userInputMessageContext?.tools;
  const turns = [...history, { userInputMessage: current }];
  for (let i = 0; i < turns.length; i++) {
    const results = turns[i].userInputMessage?.userInputMessageContext?.toolResults;
    if (!results?.length) continue;
    if (!tools?.length) return "toolResults without tools";
    const uses = new Set((turns[i - 1]?.assistantResponseMessage?.toolUses ?? []).map((u: any) => u.toolUseId));
    if (results.some((r: any) => !uses.has(r.toolUseId))) return "toolResults without toolUses";
  }
  if (tools?.some((t: any) => !t.toolSpecification?.name || t.toolSpecification.name.length > 64 || !t.toolSpecification.inputSchema?.json))
    return "tools";
  return undefined;
}

function frames(scenario: Scenario, req: RecordedRequest): Uint8Array[] {
  const usage = ("usage" in scenario && scenario.usage) || DEFAULT_USAGE;
  const out: Uint8Array[] = [];
  const text =
    scenario.kind === "text" || scenario.kind === "thinking" ? scenario.text : scenario.kind === "tool-calls" ? scenario.text : undefined;
  if (text)
    for (const piece of splitText(text, scenario.kind === "text" ? (scenario.chunks ?? 3) : 2))
      out.push(
        event("assistantResponseEvent", {
          content: piece,
          modelId: req.body?.conversationState?.currentMessage?.userInputMessage?.modelId,
        }),
      );
  if (scenario.kind === "tool-calls") {
    for (const call of scenario.calls) {
      out.push(event("toolUseEvent", { name: call.name, toolUseId: call.id, input: "" }));
      for (const piece of splitText(call.arguments, 3))
        out.push(event("toolUseEvent", { name: call.name, toolUseId: call.id, input: piece }));
      out.push(event("toolUseEvent", { name: call.name, toolUseId: call.id, stop: true }));
    }
  }
  out.push(event("meteringEvent", { unit: "credit", unitPlural: "credits", usage: 0.25 }));
  out.push(event("contextUsageEvent", { contextUsagePercentage: (usage.input / CONTEXT_WINDOW) * 100 }));
  return out;
}

function byteStream(
  parts: Uint8Array[],
  chunkBytes: number,
  opts: { cutAfter?: number; delayMs?: number } = {},
): ReadableStream<Uint8Array> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const limit = opts.cutAfter ?? all.length;
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent >= limit) {
        if (limit < all.length) controller.error(new Error("fake Kiro cut the connection"));
        else controller.close();
        return;
      }
      if (opts.delayMs) await Bun.sleep(opts.delayMs);
      const end = Math.min(sent + chunkBytes, limit);
      controller.enqueue(all.slice(sent, end));
      sent = end;
    },
  });
}

export function startKiroUpstream(initial: ScenarioSource, options: KiroUpstreamOptions = {}): FakeUpstream {
  return startFake((scenario, req, signal) => {
    if (req.method !== "POST" || req.path !== "/generateAssistantResponse") return awsError(404, `UnknownOperationException: ${req.path}`);
    const token = req.headers.authorization?.replace(/^Bearer /, "") ?? "";
    if (!token || (options.isLiveToken && !options.isLiveToken(token)))
      return awsError(403, "The bearer token included in the request is invalid.");
    const bad = malformed(req.body);
    if (bad) return awsError(400, `Improperly formed request. (${bad})`);
    if (scenario.kind === "error") {
      return awsError(scenario.status, scenario.message, scenario.status === 402 ? "MONTHLY_REQUEST_COUNT" : null, scenario.headers);
    }
    if (scenario.kind === "hang") return hangingResponse(signal);
    const headers = { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": crypto.randomUUID() };
    const chunkBytes = options.chunkBytes ?? 7;
    if (scenario.kind === "cut") {
      // The connection drops in the middle of the next frame.
      const parts = splitText(scenario.text, scenario.afterChunks + 1).map((piece) => event("assistantResponseEvent", { content: piece }));
      const cutAfter = parts.slice(0, scenario.afterChunks).reduce((n, p) => n + p.length, 0) + 10;
      return new Response(byteStream(parts, chunkBytes, { cutAfter }), { headers });
    }
    const delayMs = scenario.kind === "text" ? scenario.delayMs : undefined;
    return new Response(byteStream(frames(scenario, req), chunkBytes, { delayMs }), { headers });
  }, initial);
}
