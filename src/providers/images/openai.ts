// OpenAI-compatible image generation (OpenAI, xAI, Together, ...): POST {base}/images/generations, passed through.
import type { Usage } from "../../canonical/usage.ts";
import { accountBaseUrl, credentialHeaders } from "../upstream.ts";
import { badAnswer, isRecord, readJson, sendUpstream } from "../media-call.ts";
import type { ImagesAdapter } from "./types.ts";

/** gpt-image-1 reports token usage ({input_tokens, output_tokens}); DALL·E and most hosts report none. */
function usageOf(body: Record<string, unknown>): Partial<Usage> | undefined {
  const u = body.usage;
  if (!isRecord(u)) return undefined;
  return {
    inputTokens: typeof u.input_tokens === "number" ? u.input_tokens : 0,
    outputTokens: typeof u.output_tokens === "number" ? u.output_tokens : 0,
  };
}

export const openaiImages: ImagesAdapter = {
  async generate(req, up) {
    const sent = await sendUpstream(
      `${accountBaseUrl(up.spec, up.account)}/images/generations`,
      {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...credentialHeaders(up.spec, up.account) },
        body: JSON.stringify({ ...req.body, model: up.model }),
      },
      up,
    );
    if (!sent.ok) return sent;
    const read = await readJson(sent.response, up.spec.name, up.signal);
    if (!read.ok) return read;
    const body = read.body;
    if (!isRecord(body) || !Array.isArray(body.data))
      return { ok: false, failure: badAnswer(up.spec.name, "without a `data` list of images") };
    return { ok: true, answer: { kind: "openai", body, usage: usageOf(body) } };
  },
};
