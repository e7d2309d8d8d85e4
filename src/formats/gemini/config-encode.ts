// Canonical tools, tool choice, sampling, reasoning and response format as Gemini request fields.
//
// Reasoning: a budget goes to thinkingConfig.thinkingBudget; an effort maps to a budget with the
// table Google uses for its OpenAI-compatible `reasoning_effort` (low 1024, medium 8192, high 24576;
// minimal 512). thinkingBudget works on Gemini 2.5 and 3 alike; thinkingLevel is only sent back for a
// Gemini client's XHIGH, which effort cannot say. enabled without budget or effort is -1 (dynamic).
// Gemini answers 400 to a budget outside the model's range, so budgets are clamped to 512..24576
// (the range every 2.5 model takes), or 128..32768 on Pro models; Pro and Gemini 3 models cannot
// turn thinking off, so enabled:false sends their smallest budget and reports "reasoning.enabled"
// dropped. includeThoughts is true whenever thinking is on (a Gemini client's explicit
// includeThoughts:false is kept in extra).
import type {
  CanonicalRequest,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "../../canonical/request.ts";
import { assertNever } from "../../canonical/response.ts";
import { toGeminiParameters, toGeminiSchema } from "./schema.ts";
import type { Json } from "./wire.ts";

export const EFFORT_BUDGET: Record<ReasoningEffort, number> = { minimal: 512, low: 1024, medium: 8192, high: 24576 };

export function encodeFunctionDeclarations(tools: ToolDefinition[]): Json[] {
  return tools.map((tool) => {
    const decl: Json = { name: tool.name };
    if (tool.description) decl.description = tool.description;
    const params = toGeminiParameters(tool.parameters);
    if (params.kind === "schema") decl.parameters = params.schema;
    else if (params.kind === "json") decl.parametersJsonSchema = params.schema;
    return decl;
  });
}

export function encodeToolChoice(choice: ToolChoice): Json {
  switch (choice.type) {
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
    case "tool":
      return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
    default:
      return assertNever(choice, "tool choice");
  }
}

/** The thinkingBudget range a model accepts, and whether it can think not at all. */
function budgetRange(model: string): { min: number; max: number; canDisable: boolean } {
  const pro = /-pro\b/i.test(model);
  return { min: pro ? 128 : 512, max: pro ? 32768 : 24576, canDisable: !pro && !/gemini-3/i.test(model) };
}

export function encodeThinking(r: ReasoningConfig, model: string, dropped: Set<string>): Json {
  const range = budgetRange(model);
  if (r.enabled === false) {
    if (range.canDisable) return { thinkingBudget: 0 };
    dropped.add("reasoning.enabled");
    return { thinkingBudget: range.min };
  }
  const wanted = r.budgetTokens ?? (r.effort ? EFFORT_BUDGET[r.effort] : -1);
  const budget = wanted < 0 ? -1 : Math.min(range.max, Math.max(range.min, Math.round(wanted)));
  return { thinkingBudget: budget, includeThoughts: true };
}

function encodeResponseFormat(format: ResponseFormat): Json {
  switch (format.type) {
    case "text":
      return { responseMimeType: "text/plain" };
    case "json_object":
      return { responseMimeType: "application/json" };
    case "json_schema": {
      const converted = toGeminiSchema(format.schema);
      return converted.kind === "schema"
        ? { responseMimeType: "application/json", responseSchema: converted.schema }
        : { responseMimeType: "application/json", responseJsonSchema: format.schema };
    }
    default:
      return assertNever(format, "response format");
  }
}

export function encodeGenerationConfig(req: CanonicalRequest, dropped: Set<string>): Json {
  const gc: Json = {};
  if (req.maxTokens !== undefined) gc.maxOutputTokens = req.maxTokens;
  if (req.temperature !== undefined) gc.temperature = req.temperature;
  if (req.topP !== undefined) gc.topP = req.topP;
  if (req.topK !== undefined) gc.topK = req.topK;
  if (req.stop?.length) gc.stopSequences = req.stop;
  if (req.seed !== undefined) gc.seed = req.seed;
  if (req.presencePenalty !== undefined) gc.presencePenalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) gc.frequencyPenalty = req.frequencyPenalty;
  if (req.responseFormat) Object.assign(gc, encodeResponseFormat(req.responseFormat));
  if (req.reasoning) gc.thinkingConfig = encodeThinking(req.reasoning, req.model, dropped);
  return gc;
}
