// A fake Gemini (generativelanguage v1beta) upstream, speaking the wire format as Google does:
// POST /v1beta/models/{model}:generateContent (also /v1, which @google/genai 3 calls by default)
// answers a GenerateContentResponse; :streamGenerateContent answers `data:` SSE frames with alt=sse
// (a JSON array without it), each frame a whole GenerateContentResponse chunk with running
// usageMetadata and finishReason on the last; errors are {"error":{code,message,status}} bodies.
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

const STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

function errorResponse(status: number, message: string, headers?: Record<string, string>): Response {
  const name = STATUS[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
  return Response.json({ error: { code: status, message, status: name } }, { status, headers });
}

function usageMetadata(u: FakeUsage) {
  const reasoning = u.reasoning ?? 0;
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: u.output - reasoning,
    totalTokenCount: u.input + u.output,
    ...(u.cacheRead ? { cachedContentTokenCount: u.cacheRead } : {}),
    ...(reasoning ? { thoughtsTokenCount: reasoning } : {}),
    promptTokensDetails: [{ modality: "TEXT", tokenCount: u.input }],
  };
}

/** What Gemini repeats on chunks before the last: the prompt side is known, the output is not yet. */
function runningUsage(u: FakeUsage) {
  return { promptTokenCount: u.input, totalTokenCount: u.input, ...(u.cacheRead ? { cachedContentTokenCount: u.cacheRead } : {}) };
}

type Part = Record<string, unknown>;

/** The answer as groups of parts: one group per streamed chunk (joined for a non-streamed answer). */
function partGroups(scenario: Scenario): { groups: Part[][]; finish: string } {
  switch (scenario.kind) {
    case "text":
      return {
        groups: splitText(scenario.text, scenario.chunks ?? 3).map((text) => [{ text }]),
        finish: scenario.finish === "length" ? "MAX_TOKENS" : "STOP",
      };
    case "cut":
    case "stall":
    case "truncated":
      return { groups: splitText(scenario.text, scenario.afterChunks + 2).map((text) => [{ text }]), finish: "STOP" };
    case "thinking": {
      const thoughts: Part[][] = splitText(scenario.thinking, 2).map((text) => [{ text, thought: true }]);
      thoughts[thoughts.length - 1][0].thoughtSignature = scenario.signature;
      return { groups: [...thoughts, ...splitText(scenario.text, 2).map((text) => [{ text }])], finish: "STOP" };
    }
    case "tool-calls": {
      // The Gemini API itself usually sends no id (calls are linked by name): an empty id leaves it out.
      const calls = scenario.calls.map((c) => ({
        functionCall: { ...(c.id ? { id: c.id } : {}), name: c.name, args: JSON.parse(c.arguments || "{}") },
        ...(c.signature ? { thoughtSignature: c.signature } : {}),
      }));
      return { groups: [...(scenario.text ? [[{ text: scenario.text }]] : []), calls], finish: "STOP" };
    }
    case "error":
    case "hang":
      return { groups: [], finish: "STOP" };
  }
}

/** Consecutive text pieces of one kind join into one part, as in Gemini's non-streamed answers. */
function joinParts(groups: Part[][]): Part[] {
  const out: Part[] = [];
  for (const part of groups.flat()) {
    const last = out[out.length - 1];
    if (last && typeof last.text === "string" && typeof part.text === "string" && last.thought === part.thought && !last.thoughtSignature) {
      out[out.length - 1] = { ...last, ...part, text: last.text + part.text };
    } else out.push({ ...part });
  }
  return out;
}

function answer(scenario: Scenario, req: RecordedRequest, signal: AbortSignal): Response | Promise<Response> {
  const url = new URL(req.path, "http://fake");
  const match = /^\/v1(?:beta|alpha)?\/models\/([^:]+):(generateContent|streamGenerateContent)$/.exec(url.pathname);
  if (req.method !== "POST" || !match) return errorResponse(404, `Method or path not found: ${req.method} ${url.pathname}`);
  const model = decodeURIComponent(match[1]);
  const stream = match[2] === "streamGenerateContent";
  const sse = url.searchParams.get("alt") === "sse";

  if (scenario.kind === "error") return errorResponse(scenario.status, scenario.message, scenario.headers);
  if (scenario.kind === "hang") return hangingResponse(signal);

  const usage = ("usage" in scenario && scenario.usage) || DEFAULT_USAGE;
  const responseId = crypto.randomUUID().replaceAll("-", "").slice(0, 22);
  const { groups, finish } = partGroups(scenario);

  if (!stream) {
    if (scenario.kind === "cut" || scenario.kind === "truncated") return new Response("", { status: 200 });
    if (scenario.kind === "stall")
      return new Response(frameStream(['{"id": '], { stallAfter: 1 }), { headers: { "content-type": "application/json" } });
    return Response.json({
      candidates: [{ content: { parts: joinParts(groups), role: "model" }, finishReason: finish, index: 0 }],
      usageMetadata: usageMetadata(usage),
      modelVersion: model,
      responseId,
    });
  }

  const chunks = groups.map((parts, i) => {
    const last = i === groups.length - 1 && scenario.kind !== "cut" && scenario.kind !== "stall" && scenario.kind !== "truncated";
    return JSON.stringify({
      candidates: [{ content: { parts, role: "model" }, ...(last ? { finishReason: finish } : {}), index: 0 }],
      usageMetadata: last ? usageMetadata(usage) : runningUsage(usage),
      modelVersion: model,
      responseId,
    });
  });
  // A cut waits a little between frames, or Bun drops the frames written just before the reset.
  const cutAfter = scenario.kind === "cut" ? scenario.afterChunks : undefined;
  const stallAfter = scenario.kind === "stall" ? scenario.afterChunks : undefined;
  // Truncated: the chunks before the finish, then the body ends (no finishReason; no closing "]" without alt=sse).
  const endAfter = scenario.kind === "truncated" ? scenario.afterChunks : undefined;
  const delayMs = scenario.kind === "cut" ? 2 : scenario.kind === "text" ? scenario.delayMs : undefined;
  if (sse) {
    return new Response(
      frameStream(
        chunks.map((c) => `data: ${c}\r\n\r\n`),
        { cutAfter, stallAfter, endAfter, delayMs },
      ),
      {
        headers: { "content-type": "text/event-stream" },
      },
    );
  }
  const pieces = chunks.map((c, i) => `${i === 0 ? "[" : ",\r\n"}${c}`);
  pieces.push("]");
  return new Response(frameStream(pieces, { cutAfter, stallAfter, endAfter, delayMs }), {
    headers: { "content-type": "application/json; charset=UTF-8" },
  });
}

export function startGeminiUpstream(initial: ScenarioSource = { kind: "text", text: "Hello from the fake upstream." }): FakeUpstream {
  return startFake(answer, initial);
}
