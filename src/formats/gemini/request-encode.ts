// The canonical request as a Gemini generateContent body (the model goes in the URL, not the body).
import type { CanonicalRequest } from "../../canonical/request.ts";
import type { EncodedRequest } from "../types.ts";
import { encodeFunctionDeclarations, encodeGenerationConfig, encodeToolChoice } from "./config-encode.ts";
import { encodeMessages } from "./parts-encode.ts";
import { isRecord, type Json } from "./wire.ts";

/** Objects merge key by key (recursively); anything else in `src` replaces what `target` has. */
function deepMerge(target: Json, src: Json): Json {
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(src)) out[k] = isRecord(v) && isRecord(out[k]) ? deepMerge(out[k] as Json, v) : v;
  return out;
}

export function encodeGeminiRequest(req: CanonicalRequest): EncodedRequest {
  const dropped = new Set<string>();
  const { contents, systemInstruction } = encodeMessages(req.messages, dropped);
  const body: Json = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;

  let tools: Json[] = req.tools?.length ? [{ functionDeclarations: encodeFunctionDeclarations(req.tools) }] : [];
  let toolConfig: Json = req.toolChoice ? encodeToolChoice(req.toolChoice) : {};
  let generationConfig = encodeGenerationConfig(req, dropped);
  if (req.parallelToolCalls === false) dropped.add("parallelToolCalls");
  if (req.user !== undefined) dropped.add("user");

  if (req.extraFormat === "gemini") {
    for (const [key, value] of Object.entries(req.extra)) {
      if (key === "tools" && Array.isArray(value)) tools = [...tools, ...value];
      else if (key === "toolConfig" && isRecord(value)) toolConfig = deepMerge(toolConfig, value);
      else if (key === "generationConfig" && isRecord(value)) generationConfig = deepMerge(generationConfig, value);
      else if (!(key in body)) body[key] = value;
    }
    // A thinkingLevel the client sent wins over the budget derived from the canonical effort (Gemini takes one).
    const thinking = generationConfig.thinkingConfig;
    if (isRecord(thinking) && thinking.thinkingLevel !== undefined && thinking.thinkingBudget !== undefined) {
      const { thinkingBudget: _budget, ...rest } = thinking;
      generationConfig = { ...generationConfig, thinkingConfig: rest };
    }
  } else {
    for (const key of Object.keys(req.extra)) dropped.add(key);
  }

  if (tools.length) body.tools = tools;
  if (Object.keys(toolConfig).length) body.toolConfig = toolConfig;
  if (Object.keys(generationConfig).length) body.generationConfig = generationConfig;
  return { body, dropped: [...dropped] };
}
