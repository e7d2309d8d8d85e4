// Fake image upstreams on real ports: OpenAI's POST /v1/images/generations and Fireworks' FLUX text_to_image workflow.
import { openaiError, startMediaFake, type MediaFake, type MediaScenarioSource } from "./media-fake.ts";

/** A 1x1 PNG, base64. */
export const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

export function startOpenAIImagesUpstream(initial: MediaScenarioSource = { kind: "ok" }): MediaFake {
  return startMediaFake((scenario, req, fake) => {
    if (!req.path.endsWith("/images/generations")) return openaiError({ status: 404, message: `Unknown path ${req.path}` });
    if (scenario.kind === "error") return openaiError(scenario);
    const body = req.body ?? {};
    const n = body.n ?? 1;
    const image = (i: number) =>
      body.response_format === "url"
        ? { url: `${fake.url}/files/image-${i}.png`, revised_prompt: `revised: ${body.prompt}` }
        : { b64_json: PNG_B64, revised_prompt: `revised: ${body.prompt}` };
    return Response.json({
      created: 1_700_000_000,
      data: Array.from({ length: n }, (_, i) => image(i)),
      // gpt-image-1 reports token usage; DALL·E does not.
      ...(body.model === "gpt-image-1"
        ? {
            usage: {
              input_tokens: 50,
              output_tokens: 4160,
              total_tokens: 4210,
              input_tokens_details: { text_tokens: 50, image_tokens: 0 },
            },
          }
        : {}),
    });
  }, initial);
}

function fireworksError(status: number, message: string, headers?: Record<string, string>): Response {
  return Response.json(
    { error: { object: "error", type: status === 429 ? "rate_limit_error" : "invalid_request_error", code: String(status), message } },
    { status, headers },
  );
}

export function startFireworksImagesUpstream(initial: MediaScenarioSource = { kind: "ok" }): MediaFake {
  return startMediaFake((scenario, req) => {
    const match = /^\/inference\/v1\/workflows\/(accounts\/[^/]+\/models\/[^/]+)\/text_to_image$/.exec(req.path);
    if (req.method !== "POST" || !match) return fireworksError(404, `Not found: ${req.path}`);
    if (!req.headers.authorization?.startsWith("Bearer ")) return fireworksError(401, "Missing API key");
    if (scenario.kind === "error") return fireworksError(scenario.status, scenario.message, scenario.headers);
    if (typeof req.body?.prompt !== "string") return fireworksError(400, "prompt is required");
    const accept = req.headers.accept ?? "image/jpeg";
    if (accept.startsWith("image/")) return new Response(Buffer.from(PNG_B64, "base64"), { headers: { "content-type": accept } });
    return Response.json({ id: crypto.randomUUID(), base64: [PNG_B64], finishReason: "SUCCESS", seed: 1234 });
  }, initial);
}
