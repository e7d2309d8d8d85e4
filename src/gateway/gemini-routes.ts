// The Gemini API paths (/v1beta) the @google/genai SDK and Gemini CLI call: models/{model}:{method}, and the model list.
import { Hono, type Context } from "hono";
import { GatewayError } from "../canonical/errors.ts";
import { requireClient } from "../auth/client-auth.ts";
import { getFormat } from "../formats/registry.ts";
import type { AppEnv } from "../context.ts";
import type { Services } from "../services.ts";
import { estimateTokens } from "../canonical/token-estimate.ts";
import { listModels } from "./models.ts";
import { chatHandler } from "./chat-route.ts";
import { rowOnRefusal } from "./refusal-row.ts";
import { receiveClientJson } from "./edge/client-request.ts";
import { validateModelId } from "../canonical/model-id.ts";
import { validateCountTokensRequest } from "../formats/gemini/validate.ts";

/** `/v1beta/models/gc/gemini-2.5-pro:streamGenerateContent` -> model `gc/gemini-2.5-pro`, method `streamGenerateContent`. */
function modelAndMethod(c: Context): { model: string; method?: string } {
  const raw = c.req.path.slice(c.req.path.indexOf("/models/") + "/models/".length);
  let rest: string;
  try {
    rest = decodeURIComponent(raw);
  } catch {
    throw new GatewayError("invalid_request", `The model in the path is not valid percent-encoded UTF-8: "${raw.slice(0, 100)}".`, {
      param: "model",
      code: "invalid_model",
    });
  }
  const colon = rest.lastIndexOf(":");
  const named = colon === -1 ? { model: rest } : { model: rest.slice(0, colon), method: rest.slice(colon + 1) };
  // Before the model can become part of an upstream URL (models/{model}:generateContent).
  validateModelId(named.model, "model");
  return named;
}

function modelEntry(id: string, type?: string) {
  const methods = type === "embedding" ? ["embedContent"] : ["generateContent", "streamGenerateContent", "countTokens"];
  return {
    name: `models/${id}`,
    baseModelId: id,
    version: "omniroute",
    displayName: id,
    description: `Served through OmniRoute`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: methods,
  };
}

/** A Gemini client asking for the model list (it authenticates with x-goog-api-key or ?key=, never a Bearer token). */
export function isGeminiClient(c: Context): boolean {
  return !c.req.header("authorization") && Boolean(c.req.header("x-goog-api-key") ?? c.req.query("key"));
}

export async function geminiModelList(services: Services) {
  return { models: (await listModels(services)).map((m) => modelEntry(m.id, m.type)) };
}

export function geminiRoutes(services: Services) {
  const client = requireClient(services);
  const listClient = requireClient(services, "models");
  const generate = chatHandler(services, "gemini", "gemini.generateContent", (c) => ({ model: modelAndMethod(c).model, stream: false }));
  const stream = chatHandler(services, "gemini", "gemini.streamGenerateContent", (c) => ({ model: modelAndMethod(c).model, stream: true }));
  return new Hono<AppEnv>()
    .get("/models", listClient, async (c) => c.json(await geminiModelList(services)))
    .get("/models/*", listClient, async (c) => {
      const { model } = modelAndMethod(c);
      const found = (await listModels(services)).find((m) => m.id === model);
      if (!found)
        throw new GatewayError("not_found", `Model "${model}" was not found; GET /v1beta/models lists them.`, { code: "model_not_found" });
      // On /v1 an OpenAI client may retrieve one model: answer it in OpenAI's shape.
      if (c.req.path.startsWith("/v1/") && !isGeminiClient(c)) return c.json(found);
      return c.json(modelEntry(found.id, found.type));
    })
    .post("/models/*", client, async (c) => {
      // A path whose model cannot be read is refused here, with its row, before any method runs.
      const { model, method } = await rowOnRefusal(
        services,
        c,
        "gemini.generateContent",
        () => undefined,
        async () => modelAndMethod(c),
      );
      switch (method) {
        case "generateContent":
          return generate(c);
        case "streamGenerateContent":
          return stream(c);
        case "countTokens": {
          const body = await receiveClientJson(c, validateCountTokensRequest);
          // countTokens takes {contents} or {generateContentRequest: {...}}.
          const request = (body.generateContentRequest as Record<string, unknown> | undefined) ?? body;
          const canonical = getFormat("gemini").decodeRequest(request, { model, stream: false });
          return c.json({ totalTokens: estimateTokens(canonical) });
        }
        default:
          throw new GatewayError(
            "not_found",
            `Method "${method ?? ""}" is not supported on models/${model}; use generateContent, streamGenerateContent or countTokens.`,
            { code: "method_not_found" },
          );
      }
    });
}
