// A fake OpenAI Responses upstream, speaking the wire format as api.openai.com does at POST /v1/responses:
// `response` objects, the typed SSE event sequence (`event:` + `data:` with sequence_number from 0,
// no [DONE]), reasoning items with summaries and encrypted_content, and {"error":{...}} bodies.
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

function usageJson(u: FakeUsage) {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cacheRead ?? 0 },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: u.input + u.output,
  };
}

function errorType(status: number): string {
  if (status === 429) return "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function rid(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

function baseResponse(id: string, body: any, created: number) {
  return {
    id,
    object: "response",
    created_at: created,
    status: "in_progress",
    background: false,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model ?? "unknown",
    output: [] as any[],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: "disabled",
    usage: null as any,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

const message = (id: string, text: string, status = "completed") => ({
  id,
  type: "message",
  status,
  content: [{ type: "output_text", annotations: [], logprobs: [], text }],
  role: "assistant",
});

/** The finished output items of a scenario, with their ids fixed up front so stream and body agree. */
function outputItems(scenario: Scenario): any[] {
  if (scenario.kind === "text" || scenario.kind === "cut" || scenario.kind === "truncated") return [message(rid("msg"), scenario.text)];
  if (scenario.kind === "thinking") {
    return [
      {
        id: rid("rs"),
        type: "reasoning",
        summary: [{ type: "summary_text", text: scenario.thinking }],
        encrypted_content: scenario.signature,
      },
      message(rid("msg"), scenario.text),
    ];
  }
  if (scenario.kind === "tool-calls") {
    const items: any[] = scenario.text ? [message(rid("msg"), scenario.text)] : [];
    for (const c of scenario.calls) {
      items.push({ id: rid("fc"), type: "function_call", status: "completed", arguments: c.arguments, call_id: c.id, name: c.name });
    }
    return items;
  }
  return [];
}

function streamFrames(scenario: Scenario, response: any, items: any[]): string[] {
  const frames: string[] = [];
  let seq = 0;
  const emit = (type: string, payload: Record<string, unknown>) =>
    frames.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...payload })}\n\n`);
  emit("response.created", { response });
  emit("response.in_progress", { response });
  const pieces = (text: string) =>
    splitText(
      text,
      scenario.kind === "text"
        ? (scenario.chunks ?? 3)
        : scenario.kind === "cut" || scenario.kind === "truncated"
          ? scenario.afterChunks + 2
          : 2,
    );

  items.forEach((item, output_index) => {
    const at = { item_id: item.id, output_index };
    if (item.type === "message") {
      emit("response.output_item.added", { output_index, item: { ...item, status: "in_progress", content: [] } });
      const text = item.content[0].text;
      emit("response.content_part.added", {
        ...at,
        content_index: 0,
        part: { type: "output_text", annotations: [], logprobs: [], text: "" },
      });
      for (const delta of pieces(text)) emit("response.output_text.delta", { ...at, content_index: 0, delta, logprobs: [] });
      emit("response.output_text.done", { ...at, content_index: 0, text, logprobs: [] });
      emit("response.content_part.done", { ...at, content_index: 0, part: item.content[0] });
    } else if (item.type === "reasoning") {
      emit("response.output_item.added", { output_index, item: { id: item.id, type: "reasoning", summary: [] } });
      const text = item.summary[0].text;
      emit("response.reasoning_summary_part.added", { ...at, summary_index: 0, part: { type: "summary_text", text: "" } });
      for (const delta of pieces(text)) emit("response.reasoning_summary_text.delta", { ...at, summary_index: 0, delta });
      emit("response.reasoning_summary_text.done", { ...at, summary_index: 0, text });
      emit("response.reasoning_summary_part.done", { ...at, summary_index: 0, part: item.summary[0] });
    } else if (item.type === "function_call") {
      emit("response.output_item.added", { output_index, item: { ...item, status: "in_progress", arguments: "" } });
      for (const delta of splitText(item.arguments, 3)) emit("response.function_call_arguments.delta", { ...at, delta });
      emit("response.function_call_arguments.done", { ...at, arguments: item.arguments });
    }
    emit("response.output_item.done", { output_index, item });
  });
  return frames;
}

/** The frames, each after a short pause so they reach the client, then the connection fails. */
function cutStream(frames: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      await Bun.sleep(2);
      if (i < frames.length) controller.enqueue(encoder.encode(frames[i++]));
      else controller.error(new Error("fake upstream cut the connection"));
    },
  });
}

function answer(scenario: Scenario, req: RecordedRequest, signal: AbortSignal): Response | Promise<Response> {
  if (req.method !== "POST" || !req.path.split("?")[0].endsWith("/responses")) {
    return Response.json(
      { error: { message: `Unknown path ${req.path}`, type: "invalid_request_error", param: null, code: "unknown_url" } },
      { status: 404 },
    );
  }
  if (scenario.kind === "error") {
    return Response.json(
      {
        error: {
          message: scenario.message,
          type: errorType(scenario.status),
          param: null,
          code: scenario.status === 429 ? "rate_limit_exceeded" : null,
        },
      },
      { status: scenario.status, headers: scenario.headers },
    );
  }
  if (scenario.kind === "hang") return hangingResponse(signal);

  const body = req.body ?? {};
  const created = Math.floor(Date.now() / 1000);
  const response = baseResponse(rid("resp"), body, created);
  const length = scenario.kind === "text" && scenario.finish === "length";
  const items = outputItems(scenario).map((i) => (length ? { ...i, status: "incomplete" } : i));
  const usage = ("usage" in scenario && scenario.usage) || DEFAULT_USAGE;
  const final = {
    ...response,
    status: length ? "incomplete" : "completed",
    completed_at: length ? null : created,
    incomplete_details: length ? { reason: "max_output_tokens" } : null,
    output: items,
    usage: usageJson(usage),
  };

  if (!body.stream) {
    if (scenario.kind === "cut" || scenario.kind === "truncated") return new Response("", { status: 200 });
    return Response.json(final);
  }
  const frames = streamFrames(scenario, response, items);
  const headers = { "content-type": "text/event-stream; charset=utf-8" };
  if (scenario.kind === "cut") {
    // created, in_progress, output_item.added, content_part.added, then `afterChunks` deltas.
    return new Response(cutStream(frames.slice(0, 4 + scenario.afterChunks)), { headers });
  }
  // The same frames, then a clean end of the body: no response.completed, no error.
  if (scenario.kind === "truncated") return new Response(frameStream(frames.slice(0, 4 + scenario.afterChunks)), { headers });
  const type = length ? "response.incomplete" : "response.completed";
  frames.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: frames.length, response: final })}\n\n`);
  return new Response(frameStream(frames, { delayMs: scenario.kind === "text" ? scenario.delayMs : undefined }), { headers });
}

export type { UpstreamOptions } from "./scenario.ts";

export function startResponsesUpstream(
  initial: ScenarioSource = { kind: "text", text: "Hello from the fake upstream." },
  opts: UpstreamOptions = {},
): FakeUpstream {
  return startFake(answer, initial, opts);
}
