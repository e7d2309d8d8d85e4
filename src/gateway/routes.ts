// The client-facing routes (/v1, /v1beta): parse the body, then hand it to the pipeline.
import { Hono, type Context } from "hono";
import { GatewayError } from "../canonical/errors.ts";
import { requireClientKey } from "../auth/client-auth.ts";
import { requireAllowedIp } from "../auth/ip-filter.ts";
import { getFormat } from "../formats/registry.ts";
import type { FormatId, RouteHints } from "../formats/types.ts";
import type { Services } from "../services.ts";
import type { AppEnv } from "../context.ts";
import { listModels } from "./models.ts";
import { serveChat } from "./chat-handler.ts";
import { countTokens } from "./count-tokens.ts";
import { pinModel, requirePinnedProvider } from "./provider-route.ts";
import { geminiModelList, isGeminiClient } from "./gemini-routes.ts";
import { mediaRoutes } from "./media/routes.ts";

export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new GatewayError("invalid_request", "The request body must be JSON.", { code: "invalid_json" });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GatewayError("invalid_request", "The request body must be a JSON object.", { code: "invalid_json" });
  }
  return body as Record<string, unknown>;
}

/** A proxied call may take minutes: lift Bun's idle timeout for this request only. */
function liftIdleTimeout(c: Context<AppEnv>) {
  c.env?.server?.timeout(c.req.raw, 0);
}

export function chatHandler(services: Services, formatId: FormatId, endpoint: string, hints?: (c: Context) => RouteHints) {
  const ingress = getFormat(formatId);
  return async function handleChat(c: Context<AppEnv>) {
    liftIdleTimeout(c);
    const body = await jsonBody(c);
    const pinned = c.req.param("provider");
    let pinProvider: string | undefined;
    if (pinned) {
      const spec = requirePinnedProvider(services, pinned);
      body.model = pinModel(services, spec, body.model);
      pinProvider = spec.id;
    }
    return serveChat(services, { c, ingress, endpoint, body, hints: hints?.(c) ?? {}, pinProvider });
  };
}

/** Routes under /v1. Middleware is attached per route so the same set can also mount at the root. */
export function clientRoutes(services: Services) {
  const ip = requireAllowedIp(services);
  const auth = requireClientKey(services);
  return new Hono<AppEnv>()
    .post("/chat/completions", ip, auth, chatHandler(services, "openai-chat", "chat.completions"))
    .post("/messages", ip, auth, chatHandler(services, "anthropic", "messages"))
    .post("/responses", ip, auth, chatHandler(services, "responses", "responses"))
    .post("/providers/:provider/chat/completions", ip, auth, chatHandler(services, "openai-chat", "providers.chat.completions"))
    .post("/messages/count_tokens", ip, auth, async (c) => c.json(await countTokens(services, await jsonBody(c))))
    .route("/", mediaRoutes(services, ip, auth))
    .get("/models", ip, requireClientKey(services, "models"), async (c) =>
      // The same path serves the OpenAI list and, for @google/genai (which defaults to /v1), the Gemini one.
      c.json(isGeminiClient(c) ? await geminiModelList(services) : { object: "list", data: await listModels(services) }),
    );
}

/** The few client routes that also answer without the /v1 prefix. */
export function bareClientRoutes(services: Services) {
  const ip = requireAllowedIp(services);
  const auth = requireClientKey(services);
  return new Hono<AppEnv>()
    .post("/chat/completions", ip, auth, chatHandler(services, "openai-chat", "chat.completions"))
    .post("/responses", ip, auth, chatHandler(services, "responses", "responses"));
}
