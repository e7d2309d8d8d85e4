// Gemini embeddings: POST {base}/v1beta/models/{model}:batchEmbedContents (one request per input), translated to vectors.
import { accountBaseUrl, credentialHeaders } from "../upstream.ts";
import { badAnswer, isRecord, readJson, sendUpstream } from "../media-call.ts";
import type { EmbeddingsAdapter } from "./types.ts";

/** The API version goes after the base as @google/genai does it, unless the base already names one. */
function batchEmbedUrl(base: string, model: string): string {
  const versioned = /\/v1(alpha|beta)?$/.test(base) ? base : `${base}/v1beta`;
  const id = model.replace(/^models\//, "");
  return `${versioned}/models/${id.split("/").map(encodeURIComponent).join("/")}:batchEmbedContents`;
}

/** About four characters per token: Gemini's Developer API reports no token count for embeddings. */
function estimateTokens(texts: string[]): number {
  return texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
}

export const geminiEmbeddings: EmbeddingsAdapter = {
  async embed(req, up) {
    if (req.input.kind === "tokens") {
      // Another model of the same request may take token arrays: move on without penalty.
      return {
        ok: false,
        failure: { kind: "context", status: 400, message: "Gemini embeds text only; token-array input cannot be sent to it" },
      };
    }
    const model = `models/${up.model.replace(/^models\//, "")}`;
    const texts = req.input.texts;
    const body = {
      requests: texts.map((text) => ({
        model,
        content: { parts: [{ text }] },
        ...(req.dimensions ? { outputDimensionality: req.dimensions } : {}),
      })),
    };
    const sent = await sendUpstream(
      batchEmbedUrl(accountBaseUrl(up.spec, up.account), up.model),
      {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...credentialHeaders(up.spec, up.account) },
        body: JSON.stringify(body),
      },
      up,
    );
    if (!sent.ok) return sent;
    const read = await readJson(sent.response, up.spec.name, up.signal);
    if (!read.ok) return read;
    const answer = read.body;
    const embeddings = isRecord(answer) && Array.isArray(answer.embeddings) ? answer.embeddings : undefined;
    const vectors = embeddings?.map((e) =>
      isRecord(e) && Array.isArray(e.values) && e.values.every((v) => typeof v === "number") ? (e.values as number[]) : undefined,
    );
    if (!vectors || vectors.length !== texts.length || vectors.some((v) => v === undefined)) {
      return { ok: false, failure: badAnswer(up.spec.name, `without one embedding per input (${texts.length} sent)`) };
    }
    // Newer answers may carry usageMetadata.promptTokenCount; otherwise the count is estimated (and said so).
    const usage = isRecord(answer) && isRecord(answer.usageMetadata) ? answer.usageMetadata : {};
    const reported = typeof usage.promptTokenCount === "number" ? usage.promptTokenCount : undefined;
    return {
      ok: true,
      answer: {
        kind: "vectors",
        vectors: vectors as number[][],
        promptTokens: reported ?? estimateTokens(texts),
        estimated: reported === undefined,
        dropped: req.body.user === undefined ? [] : ["user"],
      },
    };
  },
};
