// The "beyond chat" client routes: embeddings, image generation and transcription, and their provider-pinned forms.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { GatewayError } from "../../canonical/errors.ts";
import { validateModelId } from "../../canonical/model-id.ts";
import type { AppEnv } from "../../context.ts";
import type { Services } from "../../services.ts";
import { pinModel, requirePinnedProvider } from "../provider-route.ts";
import { receiveClientJson } from "../edge/client-request.ts";
import { rowOnRefusal } from "../refusal-row.ts";
import { embeddingsCall } from "./embeddings.ts";
import { imagesCall } from "./images.ts";
import { serveMedia, type MediaBase, type MediaCall } from "./serve.ts";
import { parseTranscriptionForm, transcriptionCall } from "./transcriptions.ts";

/** A JSON media route; on /providers/{provider}/... the model is pinned to that provider as chat's is. */
function jsonMedia<A>(
  services: Services,
  endpoint: string,
  build: (services: Services, base: MediaBase, body: Record<string, unknown>) => MediaCall<A>,
) {
  return async function handleMedia(c: Context<AppEnv>) {
    let body: Record<string, unknown> | undefined;
    let pinProvider: string | undefined;
    const model = await rowOnRefusal(
      services,
      c,
      endpoint,
      () => body?.model,
      async () => {
        body = await receiveClientJson(c);
        const pinned = c.req.param("provider");
        if (pinned) {
          const spec = requirePinnedProvider(services, pinned);
          body.model = pinModel(services, spec, body.model);
          pinProvider = spec.id;
        }
        if (typeof body.model !== "string" || !body.model) {
          throw new GatewayError("invalid_request", 'The request must name a model (a string such as "openai/text-embedding-3-small").', {
            param: "model",
          });
        }
        validateModelId(body.model, "model");
        return body.model;
      },
    );
    return serveMedia(services, build(services, { c, endpoint, model, pinProvider }, body!));
  };
}

/** Mounted under /v1 behind the same gate as chat (`client`: the IP filter, then the client key). */
export function mediaRoutes(services: Services, client: MiddlewareHandler) {
  return new Hono<AppEnv>()
    .post("/embeddings", client, jsonMedia(services, "embeddings", embeddingsCall))
    .post("/images/generations", client, jsonMedia(services, "images.generations", imagesCall))
    .post("/providers/:provider/embeddings", client, jsonMedia(services, "providers.embeddings", embeddingsCall))
    .post("/providers/:provider/images/generations", client, jsonMedia(services, "providers.images.generations", imagesCall))
    .post("/audio/transcriptions", client, async (c) => {
      // The upload is read under the normal idle timeout (IDLE_TIMEOUT_SECONDS); serveMedia lifts it for the answer.
      const parsed = await parseTranscriptionForm(c);
      return serveMedia(services, transcriptionCall(parsed, { c, endpoint: "audio.transcriptions" }));
    });
}
