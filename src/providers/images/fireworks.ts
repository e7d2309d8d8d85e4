// Fireworks FLUX image generation: POST {base}/workflows/{model}/text_to_image, one image per call, answered as base64 PNG.
import type { Failure } from "../../accounts/failure.ts";
import { accountBaseUrl, credentialHeaders } from "../upstream.ts";
import { badAnswer, isRecord, readJson, sendUpstream, type MediaUpstream } from "../media-call.ts";
import type { ImagesAdapter } from "./types.ts";

/** The aspect ratios the workflow takes. */
const RATIOS = ["1:1", "21:9", "16:9", "3:2", "5:4", "4:5", "2:3", "9:16", "9:21", "4:3", "3:4"] as const;

/** OpenAI's `WIDTHxHEIGHT` as the nearest aspect ratio the workflow takes (1:1 when absent or "auto", OpenAI's default square). */
export function aspectRatioFor(size: string | undefined): string {
  const m = size ? /^(\d+)x(\d+)$/.exec(size) : null;
  if (!m) return "1:1";
  const wanted = Math.log(Number(m[1]) / Number(m[2]));
  let best: string = "1:1";
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const r of RATIOS) {
    const [w, h] = r.split(":").map(Number) as [number, number];
    const distance = Math.abs(Math.log(w / h) - wanted);
    if (distance < bestDistance) [best, bestDistance] = [r, distance];
  }
  return best;
}

/** Catalog ids are `accounts/fireworks/models/<name>`; a bare `<name>` means a Fireworks-published model. */
function modelPath(model: string): string {
  return model.startsWith("accounts/") ? model : `accounts/fireworks/models/${model}`;
}

type OneImage = { ok: true; b64: string } | { ok: false; failure: Failure };

async function generateOne(prompt: string, aspectRatio: string, up: MediaUpstream, signal: AbortSignal): Promise<OneImage> {
  const sent = await sendUpstream(
    `${accountBaseUrl(up.spec, up.account)}/workflows/${modelPath(up.model)}/text_to_image`,
    {
      method: "POST",
      // application/json: the image comes back base64-encoded in `base64` (image/png or image/jpeg would send raw bytes).
      headers: { "content-type": "application/json", accept: "application/json", ...credentialHeaders(up.spec, up.account) },
      body: JSON.stringify({ prompt, aspect_ratio: aspectRatio }),
    },
    { signal, timeoutMs: up.timeoutMs, fetch: up.fetch },
  );
  if (!sent.ok) return sent;
  const read = await readJson(sent.response, up.spec.name, signal);
  if (!read.ok) return read;
  const body = read.body;
  if (isRecord(body) && body.finishReason === "CONTENT_FILTERED") {
    return {
      ok: false,
      failure: {
        kind: "client",
        status: 400,
        message: "the image was withheld by Fireworks' safety filter (finishReason CONTENT_FILTERED)",
      },
    };
  }
  const raw = isRecord(body) ? (Array.isArray(body.base64) ? body.base64[0] : body.base64) : undefined;
  if (typeof raw !== "string" || !raw) return { ok: false, failure: badAnswer(up.spec.name, "without a `base64` image") };
  // The documented example prefixes a data URL; the schema says bare base64. Accept both.
  return { ok: true, b64: raw.replace(/^data:[^;,]*;base64,/, "") };
}

export const fireworksImages: ImagesAdapter = {
  async generate(req, up) {
    const aspectRatio = aspectRatioFor(req.size);
    // The workflow makes one image per call: n images are n calls, abandoned together when one fails.
    const together = new AbortController();
    const signal = AbortSignal.any([up.signal, together.signal]);
    let first: Failure | undefined;
    const images = await Promise.all(
      Array.from({ length: req.n }, async () => {
        try {
          const one = await generateOne(req.prompt, aspectRatio, up, signal);
          if (one.ok) return one.b64;
          first ??= one.failure;
          together.abort();
        } catch (err) {
          // Thrown only once aborted: by the client (the request is over), or because another call failed.
          if (up.signal.aborted || !together.signal.aborted) throw err;
        }
        return "";
      }),
    );
    if (first) return { ok: false, failure: first };
    const dropped = ["quality", "style", "background", "moderation", "output_format", "output_compression", "user"].filter(
      (k) => req.body[k] !== undefined,
    );
    return { ok: true, answer: { kind: "images", images: images.map((b64) => ({ b64, mimeType: "image/png" })), dropped } };
  },
};
