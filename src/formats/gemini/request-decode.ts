// A Gemini generateContent request body as canonical (model and streaming come from the URL).
import { GatewayError } from "../../canonical/errors.ts";
import type { CanonicalRequest, Message } from "../../canonical/request.ts";
import type { RouteHints } from "../types.ts";
import { decodeGenerationConfig, decodeToolConfig, decodeTools } from "./config-decode.ts";
import { camelKeys } from "./keys.ts";
import { decodeContents, decodeSystemInstruction } from "./parts-decode.ts";
import { isRecord, str, type Json } from "./wire.ts";

/** Top-level fields mapped to canonical ones; every other top-level field travels in `extra`. */
const MAPPED = new Set(["contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "model"]);

export function decodeGeminiRequest(body: unknown, hints: RouteHints = {}): CanonicalRequest {
  if (!isRecord(body)) throw new GatewayError("invalid_request", "The request body must be a JSON object", { param: "body" });
  const b = camelKeys(body);
  const model = (hints.model ?? str(b.model) ?? "").replace(/^models\//, "");
  if (!model) throw new GatewayError("invalid_request", "No model: call /v1beta/models/{model}:generateContent", { param: "model" });

  const system = decodeSystemInstruction(b.systemInstruction);
  const messages: Message[] = [...(system ? [system] : []), ...decodeContents(b.contents)];
  const { tools, otherTools } = decodeTools(b.tools);
  const toolConfig = decodeToolConfig(b.toolConfig);
  const generation = decodeGenerationConfig(b.generationConfig);

  const extra: Json = {};
  for (const [k, v] of Object.entries(b)) if (!MAPPED.has(k) && v !== undefined) extra[k] = v;
  if (otherTools.length) extra.tools = otherTools;
  if (toolConfig.extra) extra.toolConfig = toolConfig.extra;
  if (generation.extra) extra.generationConfig = generation.extra;

  return {
    model,
    messages,
    stream: hints.stream ?? false,
    ...(tools ? { tools } : {}),
    ...(toolConfig.toolChoice ? { toolChoice: toolConfig.toolChoice } : {}),
    ...generation.settings,
    extra,
    extraFormat: "gemini",
  };
}
