// A fake OpenAI Chat Completions upstream, speaking the wire format as api.openai.com does:
// chat.completion objects, chat.completion.chunk SSE frames ending in `data: [DONE]`,
// a usage chunk with empty choices when stream_options.include_usage is set, the `obfuscation`
// padding field on delta chunks unless stream_options.include_obfuscation is false, and
// {"error":{message,type,param,code}} error bodies (codes as OpenAI sends them: invalid_api_key, ...).
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
} from "./scenario.ts";

function usageJson(u: FakeUsage) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function errorType(status: number): string {
  if (status === 401) return "invalid_request_error";
  if (status === 429) return "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** The `code` OpenAI puts beside each status (null where it sends none). */
function errorCode(status: number): string | null {
  if (status === 401) return "invalid_api_key";
  if (status === 404) return "model_not_found";
  if (status === 429) return "rate_limit_exceeded";
  return null;
}

/** Random padding like OpenAI's stream obfuscation (it equalises chunk sizes); clients must ignore it. */
function obfuscation(): string {
  return Math.random()
    .toString(36)
    .slice(2, 2 + 1 + Math.floor(Math.random() * 10));
}

function answer(scenario: Scenario, req: RecordedRequest, signal: AbortSignal): Response | Promise<Response> {
  if (req.method === "GET" && req.path.endsWith("/models")) {
    return Response.json({ object: "list", data: [{ id: "fake-listed-model", object: "model", created: 0, owned_by: "fake" }] });
  }
  if (!req.path.endsWith("/chat/completions")) {
    return Response.json(
      { error: { message: `Unknown path ${req.path}`, type: "invalid_request_error", param: null, code: "unknown_url" } },
      { status: 404 },
    );
  }
  const body = req.body ?? {};
  const model: string = body.model ?? "unknown";
  const id = `chatcmpl-${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const created = Math.floor(Date.now() / 1000);
  const base = { id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake", service_tier: "default" };
  const wantsUsage = body.stream_options?.include_usage === true;
  const obfuscate = body.stream_options?.include_obfuscation !== false;

  if (scenario.kind === "error") {
    return Response.json(
      { error: { message: scenario.message, type: errorType(scenario.status), param: null, code: errorCode(scenario.status) } },
      { status: scenario.status, headers: scenario.headers },
    );
  }
  if (scenario.kind === "hang") return hangingResponse(signal);

  const usage = ("usage" in scenario && scenario.usage) || DEFAULT_USAGE;

  if (!body.stream) {
    // The start of a real answer, then the connection drops (cut) or the body ends there (truncated).
    if (scenario.kind === "cut" || scenario.kind === "truncated")
      return new Response(
        frameStream([`{"id":"${id}","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"`], {
          ...(scenario.kind === "cut" ? { cutAfter: 1 } : { endAfter: 1 }),
          delayMs: 2,
        }),
        { headers: { "content-type": "application/json" } },
      );
    if (scenario.kind === "stall")
      return new Response(frameStream(['{"id": '], { stallAfter: 1 }), { headers: { "content-type": "application/json" } });
    const message: Record<string, unknown> = { role: "assistant", content: null, refusal: null, annotations: [] };
    let finish = "stop";
    if (scenario.kind === "text") {
      message.content = scenario.text;
      finish = scenario.finish ?? "stop";
    }
    if (scenario.kind === "thinking") {
      message.content = scenario.text;
      message.reasoning_content = scenario.thinking;
    }
    if (scenario.kind === "tool-calls") {
      message.content = scenario.text ?? null;
      message.tool_calls = scenario.calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } }));
      finish = "tool_calls";
    }
    return Response.json({
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
      usage: usageJson(usage),
      service_tier: "default",
      system_fingerprint: "fp_fake",
    });
  }

  const frames: string[] = [];
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    frames.push(
      `data: ${JSON.stringify({
        ...base,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(wantsUsage ? { usage: null } : {}),
        ...(obfuscate ? { obfuscation: obfuscation() } : {}),
      })}\n\n`,
    );

  chunk({ role: "assistant", content: "", refusal: null });
  let finish = "stop";
  if (scenario.kind === "text" || scenario.kind === "cut" || scenario.kind === "stall" || scenario.kind === "truncated") {
    for (const piece of splitText(scenario.text, scenario.kind === "text" ? (scenario.chunks ?? 3) : scenario.afterChunks + 2))
      chunk({ content: piece });
    if (scenario.kind === "text") finish = scenario.finish ?? "stop";
  } else if (scenario.kind === "thinking") {
    for (const piece of splitText(scenario.thinking, 2)) chunk({ reasoning_content: piece });
    for (const piece of splitText(scenario.text, 2)) chunk({ content: piece });
  } else if (scenario.kind === "tool-calls") {
    if (scenario.text) chunk({ content: scenario.text });
    scenario.calls.forEach((c, index) => {
      chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] });
      for (const piece of splitText(c.arguments, 3)) chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
    });
    finish = "tool_calls";
  }
  if (scenario.kind === "cut") {
    return new Response(frameStream(frames, { cutAfter: scenario.afterChunks + 1, delayMs: 2 }), {
      headers: { "content-type": "text/event-stream" },
    });
  }
  if (scenario.kind === "truncated") {
    // No finish_reason chunk, no [DONE]: the body just ends.
    return new Response(frameStream(frames, { endAfter: scenario.afterChunks + 1 }), {
      headers: { "content-type": "text/event-stream" },
    });
  }
  if (scenario.kind === "stall") {
    return new Response(frameStream(frames, { stallAfter: scenario.afterChunks + 1 }), {
      headers: { "content-type": "text/event-stream" },
    });
  }
  chunk({}, finish);
  if (wantsUsage) frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage: usageJson(usage) })}\n\n`);
  frames.push("data: [DONE]\n\n");
  const delayMs = scenario.kind === "text" ? scenario.delayMs : undefined;
  return new Response(frameStream(frames, { delayMs }), { headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

export function startOpenAIUpstream(initial: ScenarioSource = { kind: "text", text: "Hello from the fake upstream." }): FakeUpstream {
  return startFake(answer, initial);
}
