// Fake embeddings upstreams on real ports: OpenAI's POST /v1/embeddings and Gemini's :batchEmbedContents.
import { openaiError, startMediaFake, type MediaFake, type MediaScenarioSource } from "./media-fake.ts";

/** A vector a test can predict: [length of the input, its index, 0.25, then 0.5 up to `dimensions`]. */
export function fakeVector(input: string | number[], index: number, dimensions = 3): number[] {
  return [input.length, index, 0.25, ...Array.from({ length: Math.max(0, dimensions - 3) }, () => 0.5)].slice(0, dimensions);
}

function base64Floats(values: number[]): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return Buffer.from(bytes).toString("base64");
}

export function startOpenAIEmbeddingsUpstream(initial: MediaScenarioSource = { kind: "ok" }): MediaFake {
  return startMediaFake((scenario, req) => {
    if (!req.path.endsWith("/embeddings")) return openaiError({ status: 404, message: `Unknown path ${req.path}` });
    if (scenario.kind === "error") return openaiError(scenario);
    if (scenario.kind !== "ok") throw new Error("unreachable");
    const body = req.body ?? {};
    const raw = body.input;
    const inputs: Array<string | number[]> =
      typeof raw === "string" ? [raw] : Array.isArray(raw) && raw.every((n: unknown) => typeof n === "number") ? [raw] : raw;
    const tokens = inputs.reduce((n, i) => n + (typeof i === "string" ? i.split(/\s+/).filter(Boolean).length : i.length), 0);
    const promptTokens = scenario.promptTokens ?? tokens;
    return Response.json({
      object: "list",
      data: inputs.map((input, index) => {
        const v = fakeVector(input, index, body.dimensions);
        return { object: "embedding", index, embedding: body.encoding_format === "base64" ? base64Floats(v) : v };
      }),
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }, initial);
}

function googleError(status: number, message: string, headers?: Record<string, string>): Response {
  const names: Record<number, string> = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
  };
  return Response.json({ error: { code: status, message, status: names[status] ?? "UNKNOWN" } }, { status, headers });
}

export function startGeminiEmbeddingsUpstream(initial: MediaScenarioSource = { kind: "ok" }): MediaFake {
  return startMediaFake((scenario, req) => {
    const match = /^\/v1beta\/models\/([^:]+):batchEmbedContents$/.exec(req.path);
    if (req.method !== "POST" || !match) return googleError(404, `Method not found: ${req.method} ${req.path}`);
    if (!req.headers["x-goog-api-key"]) return googleError(403, "Method doesn't allow unregistered callers. Please use API Key.");
    if (scenario.kind === "error") return googleError(scenario.status, scenario.message, scenario.headers);
    const requests: any[] = req.body?.requests ?? [];
    // As the real API does: each request must name the model of the URL.
    const wrong = requests.find((r) => r.model !== `models/${decodeURIComponent(match[1]!)}`);
    if (wrong) return googleError(400, `Model "${wrong.model}" does not match the model in the URL`);
    return Response.json({
      embeddings: requests.map((r, index) => ({
        values: fakeVector(r.content.parts.map((p: any) => p.text).join(""), index, r.outputDimensionality),
      })),
    });
  }, initial);
}
