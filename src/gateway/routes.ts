// The client-facing routes (/v1, /v1beta): check the request at the edge, then hand it to the pipeline.
import { Hono } from "hono";
import { requireClient } from "../auth/client-auth.ts";
import type { Services } from "../services.ts";
import type { AppEnv } from "../context.ts";
import { listModels } from "./models.ts";
import { chatHandler } from "./chat-route.ts";
import { countTokens } from "./count-tokens.ts";
import { geminiModelList, isGeminiClient } from "./gemini-routes.ts";
import { mediaRoutes } from "./media/routes.ts";
import { receiveClientJson } from "./edge/client-request.ts";
import { validateCountTokensRequest } from "../formats/anthropic/validate.ts";

/** Routes under /v1. Middleware is attached per route so the same set can also mount at the root. */
export function clientRoutes(services: Services) {
  const client = requireClient(services);
  return new Hono<AppEnv>()
    .post("/chat/completions", client, chatHandler(services, "openai-chat", "chat.completions"))
    .post("/messages", client, chatHandler(services, "anthropic", "messages"))
    .post("/responses", client, chatHandler(services, "responses", "responses"))
    .post("/providers/:provider/chat/completions", client, chatHandler(services, "openai-chat", "providers.chat.completions"))
    .post("/messages/count_tokens", client, async (c) =>
      c.json(await countTokens(services, await receiveClientJson(c, validateCountTokensRequest))),
    )
    .route("/", mediaRoutes(services, client))
    .get("/models", requireClient(services, "models"), async (c) =>
      // The same path serves the OpenAI list and, for @google/genai (which defaults to /v1), the Gemini one.
      c.json(isGeminiClient(c) ? await geminiModelList(services) : { object: "list", data: await listModels(services) }),
    );
}

/** The few client routes that also answer without the /v1 prefix. */
export function bareClientRoutes(services: Services) {
  const client = requireClient(services);
  return new Hono<AppEnv>()
    .post("/chat/completions", client, chatHandler(services, "openai-chat", "chat.completions"))
    .post("/responses", client, chatHandler(services, "responses", "responses"));
}
