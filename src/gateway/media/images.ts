// POST /v1/images/generations: an OpenAI image request, served by any provider with an image API, answered as OpenAI's.
import { GatewayError } from "../../canonical/errors.ts";
import { assertNever } from "../../canonical/response.ts";
import { IMAGES_ADAPTERS, type ImagesAnswer, type ImagesRequest } from "../../providers/images/index.ts";
import { imagesApiOf } from "../../providers/media.ts";
import type { Services } from "../../services.ts";
import { estimateCost } from "../../usage/estimate.ts";
import type { MediaBase, MediaCall, MediaKind, MediaReply } from "./serve.ts";

export const IMAGES: MediaKind = {
  type: "image",
  route: "POST /v1/images/generations",
  wants: 'an image model such as "openai/gpt-image-1"',
};

/** OpenAI's own limit on `n`. */
const MAX_IMAGES = 10;

export function parseImagesBody(body: Record<string, unknown>): ImagesRequest {
  const { prompt, n = 1, size, response_format: format } = body;
  if (typeof prompt !== "string" || !prompt.trim()) {
    throw new GatewayError("invalid_request", "`prompt` is required: a text description of the image.", { param: "prompt" });
  }
  if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > MAX_IMAGES) {
    throw new GatewayError("invalid_request", `\`n\` must be an integer from 1 to ${MAX_IMAGES}.`, { param: "n" });
  }
  if (size !== undefined && (typeof size !== "string" || !/^(\d+x\d+|auto)$/.test(size))) {
    throw new GatewayError("invalid_request", '`size` must be "WIDTHxHEIGHT" (such as "1024x1024") or "auto".', { param: "size" });
  }
  if (format !== undefined && format !== "url" && format !== "b64_json") {
    throw new GatewayError("invalid_request", '`response_format` must be "url" or "b64_json".', { param: "response_format" });
  }
  return { body, prompt, n: n as number, size: size as string | undefined, responseFormat: format as ImagesRequest["responseFormat"] };
}

function reply(req: ImagesRequest, answer: ImagesAnswer): MediaReply {
  switch (answer.kind) {
    case "openai":
      // Images are priced per image; only token-priced models (gpt-image-1) report usage the cost can use.
      return { response: Response.json(answer.body), usage: answer.usage };
    case "images": {
      // This API has no hosted URLs: a client that asked for `url` gets the image as a data: URL.
      const data = answer.images.map((img) =>
        req.responseFormat === "url" ? { url: `data:${img.mimeType};base64,${img.b64}` } : { b64_json: img.b64 },
      );
      return { response: Response.json({ created: Math.floor(Date.now() / 1000), data }), dropped: answer.dropped };
    }
    default:
      return assertNever(answer, "images answer");
  }
}

export function imagesCall(services: Services, base: MediaBase, body: Record<string, unknown>): MediaCall<ImagesAnswer> {
  const req = parseImagesBody(body);
  return {
    ...base,
    kind: IMAGES,
    serves: (spec) => imagesApiOf(spec) !== undefined,
    estimate: (target) => estimateCost(services, target, body),
    send: (upstream) => IMAGES_ADAPTERS[imagesApiOf(upstream.spec)!].generate(req, upstream),
    reply: (answer) => reply(req, answer),
  };
}
