// A fake Anthropic Messages upstream, speaking the wire format as api.anthropic.com does at POST /v1/messages:
// message objects; SSE streams of message_start, content_block_start, ping, content_block_delta
// (text_delta / thinking_delta / signature_delta / input_json_delta), content_block_stop, message_delta
// with usage + stop_reason, message_stop; {"type":"error","error":{type,message}} error bodies.
// Like the real API it answers 400 when max_tokens or messages is missing.
import {
  DEFAULT_USAGE,
  frameStream,
  hangingResponse,
  splitText,
  startFake,
  type FakeUpstream,
  type FakeUsage,
  type RecordedRequest,
  type Scenario,
  type ScenarioSource,
  type UpstreamOptions,
} from "./scenario.ts";

/** Anthropic's input_tokens excludes cached tokens; FakeUsage.input counts every prompt token. */
function usageJson(u: FakeUsage) {
  const cacheRead = u.cacheRead ?? 0;
  const cacheWrite = u.cacheWrite ?? 0;
  return {
    input_tokens: Math.max(0, u.input - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: u.output,
    ...(u.reasoning ? { output_tokens_details: { thinking_tokens: u.reasoning } } : {}),
    service_tier: "standard",
  };
}

function errorType(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 500:
      return "api_error";
    case 504:
      return "timeout_error";
    case 503:
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

function errorResponse(status: number, message: string, headers?: Record<string, string>): Response {
  const requestId = `req_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
  return Response.json({ type: "error", error: { type: errorType(status), message }, request_id: requestId }, { status, headers });
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

type Block =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; args: string };

function blocksFor(scenario: Scenario): { blocks: Block[]; stopReason: string } {
  switch (scenario.kind) {
    case "text":
      return { blocks: [{ type: "text", text: scenario.text }], stopReason: scenario.finish === "length" ? "max_tokens" : "end_turn" };
    case "cut":
    case "stall":
    case "truncated":
      return { blocks: [{ type: "text", text: scenario.text }], stopReason: "end_turn" };
    case "thinking":
      return {
        blocks: [
          { type: "thinking", thinking: scenario.thinking, signature: scenario.signature },
          { type: "text", text: scenario.text },
        ],
        stopReason: "end_turn",
      };
    case "tool-calls":
      return {
        blocks: [
          ...(scenario.text ? [{ type: "text" as const, text: scenario.text }] : []),
          ...scenario.calls.map((c) => ({ type: "tool_use" as const, id: c.id, name: c.name, args: c.arguments })),
        ],
        stopReason: "tool_use",
      };
    default:
      return { blocks: [], stopReason: "end_turn" };
  }
}

function messageContent(block: Block) {
  if (block.type === "tool_use")
    return { type: "tool_use", id: block.id, name: block.name, input: block.args ? JSON.parse(block.args) : {} };
  return block;
}

function streamFrames(blocks: Block[], scenario: Scenario): string[] {
  const frames: string[] = [];
  blocks.forEach((block, index) => {
    if (block.type === "text") {
      frames.push(frame("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }));
      if (index === 0) frames.push(frame("ping", { type: "ping" }));
      const pieces =
        scenario.kind === "text"
          ? splitText(block.text, scenario.chunks ?? 3)
          : scenario.kind === "cut" || scenario.kind === "stall" || scenario.kind === "truncated"
            ? splitText(block.text, scenario.afterChunks + 2)
            : splitText(block.text, 2);
      for (const text of pieces)
        frames.push(frame("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text } }));
    } else if (block.type === "thinking") {
      frames.push(
        frame("content_block_start", {
          type: "content_block_start",
          index,
          content_block: { type: "thinking", thinking: "", signature: "" },
        }),
      );
      if (index === 0) frames.push(frame("ping", { type: "ping" }));
      for (const thinking of splitText(block.thinking, 2)) {
        frames.push(frame("content_block_delta", { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } }));
      }
      frames.push(
        frame("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "signature_delta", signature: block.signature },
        }),
      );
    } else {
      frames.push(
        frame("content_block_start", {
          type: "content_block_start",
          index,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
        }),
      );
      if (index === 0) frames.push(frame("ping", { type: "ping" }));
      for (const partial_json of ["", ...splitText(block.args, 3)]) {
        frames.push(
          frame("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } }),
        );
      }
    }
    frames.push(frame("content_block_stop", { type: "content_block_stop", index }));
  });
  return frames;
}

function answer(scenario: Scenario, req: RecordedRequest, signal: AbortSignal): Response | Promise<Response> {
  const path = req.path.split("?")[0];
  // POST /v1/messages/count_tokens: {input_tokens}, here a rough count of the messages (about 4 characters a token).
  if (req.method === "POST" && path.endsWith("/v1/messages/count_tokens") && Array.isArray(req.body?.messages)) {
    return Response.json({ input_tokens: Math.ceil(JSON.stringify([req.body.system ?? "", req.body.messages]).length / 4) });
  }
  if (req.method !== "POST" || !path.endsWith("/v1/messages")) return errorResponse(404, `Not found: ${req.method} ${req.path}`);
  const body = req.body ?? {};
  if (typeof body.max_tokens !== "number") return errorResponse(400, "max_tokens: Field required");
  if (!Array.isArray(body.messages)) return errorResponse(400, "messages: Field required");
  if (scenario.kind === "error") return errorResponse(scenario.status, scenario.message, scenario.headers);
  if (scenario.kind === "hang") return hangingResponse(signal);

  const model: string = body.model ?? "unknown";
  const id = `msg_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const usage = ("usage" in scenario && scenario.usage) || DEFAULT_USAGE;
  const { blocks, stopReason } = blocksFor(scenario);

  if (!body.stream) {
    if (scenario.kind === "cut" || scenario.kind === "truncated") return new Response("", { status: 200 });
    if (scenario.kind === "stall")
      return new Response(frameStream(['{"id": '], { stallAfter: 1 }), { headers: { "content-type": "application/json" } });
    return Response.json({
      id,
      type: "message",
      role: "assistant",
      model,
      content: blocks.map(messageContent),
      stop_reason: stopReason,
      stop_sequence: null,
      usage: usageJson(usage),
    });
  }

  const startUsage = { ...usageJson(usage), output_tokens: 1 };
  const frames = [
    frame("message_start", {
      type: "message_start",
      message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: startUsage },
    }),
    ...streamFrames(blocks, scenario),
  ];
  if (scenario.kind === "cut") {
    // message_start, content_block_start, ping, then `afterChunks` text deltas before the cut; the small
    // delay lets those frames reach the client before the connection drops, as on a real network.
    return new Response(frameStream(frames, { cutAfter: 3 + scenario.afterChunks, delayMs: 2 }), {
      headers: { "content-type": "text/event-stream" },
    });
  }
  if (scenario.kind === "truncated") {
    // The same frames, then the body ends: no message_delta, no message_stop.
    return new Response(frameStream(frames, { endAfter: 3 + scenario.afterChunks }), {
      headers: { "content-type": "text/event-stream" },
    });
  }
  if (scenario.kind === "stall")
    return new Response(frameStream(frames, { stallAfter: 3 + scenario.afterChunks }), {
      headers: { "content-type": "text/event-stream" },
    });
  const { service_tier: _tier, ...deltaUsage } = usageJson(usage);
  frames.push(
    frame("message_delta", { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: deltaUsage }),
  );
  frames.push(frame("message_stop", { type: "message_stop" }));
  const delayMs = scenario.kind === "text" ? scenario.delayMs : undefined;
  return new Response(frameStream(frames, { delayMs }), { headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

export type { UpstreamOptions } from "./scenario.ts";

export function startAnthropicUpstream(
  initial: ScenarioSource = { kind: "text", text: "Hello from the fake upstream." },
  opts: UpstreamOptions = {},
): FakeUpstream {
  return startFake(answer, initial, opts);
}
