// OpenAI-compatible embeddings (OpenAI, Cohere's Compatibility API, Mistral, Together, ...): POST {base}/embeddings, passed through.
import { accountBaseUrl, credentialHeaders } from "../upstream.ts";
import { badAnswer, isRecord, readJson, sendUpstream } from "../media-call.ts";
import type { EmbeddingsAdapter } from "./types.ts";

export const openaiEmbeddings: EmbeddingsAdapter = {
  async embed(req, up) {
    const sent = await sendUpstream(
      `${accountBaseUrl(up.spec, up.account)}/embeddings`,
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
      return { ok: false, failure: badAnswer(up.spec.name, "without a `data` list of embeddings") };
    const usage = isRecord(body.usage) ? body.usage : {};
    const promptTokens = typeof usage.prompt_tokens === "number" ? usage.prompt_tokens : undefined;
    return { ok: true, answer: { kind: "openai", body, promptTokens } };
  },
};
