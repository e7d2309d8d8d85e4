// Gemini `tools`, `toolConfig` and `generationConfig` as canonical tools, tool choice and settings.
//
// What has no canonical field stays in `extra` under Gemini's own name, holding only the leftover
// sub-fields (e.g. extra.generationConfig = {candidateCount: 2}); the encoder deep-merges it back.
import { GatewayError } from "../../canonical/errors.ts";
import type {
  CanonicalRequest,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "../../canonical/request.ts";
import { camelKeys } from "./keys.ts";
import { fromGeminiSchema } from "./schema.ts";
import { isRecord, str, type Json } from "./wire.ts";

function bad(message: string, param: string): never {
  throw new GatewayError("invalid_request", message, { param });
}

export interface DecodedTools {
  tools?: ToolDefinition[];
  otherTools: Json[];
}

export function decodeTools(raw: unknown): DecodedTools {
  if (raw === undefined || raw === null) return { otherTools: [] };
  if (!Array.isArray(raw)) bad("tools must be an array", "tools");
  const tools: ToolDefinition[] = [];
  const otherTools: Json[] = [];
  raw.forEach((t, i) => {
    if (!isRecord(t)) bad("each tool must be an object", `tools[${i}]`);
    const { functionDeclarations, ...rest } = camelKeys(t);
    if (Object.keys(rest).length) otherTools.push(rest);
    if (functionDeclarations === undefined) return;
    if (!Array.isArray(functionDeclarations)) bad("functionDeclarations must be an array", `tools[${i}].functionDeclarations`);
    functionDeclarations.forEach((d, j) => {
      const param = `tools[${i}].functionDeclarations[${j}]`;
      if (!isRecord(d)) bad("each function declaration must be an object", param);
      const decl = camelKeys(d);
      const name = str(decl.name) || bad("function name is required", `${param}.name`);
      const parameters = isRecord(decl.parametersJsonSchema)
        ? decl.parametersJsonSchema
        : isRecord(decl.parameters)
          ? fromGeminiSchema(decl.parameters)
          : { type: "object", properties: {} };
      const description = str(decl.description);
      tools.push({ name, ...(description ? { description } : {}), parameters });
    });
  });
  return { tools: tools.length ? tools : undefined, otherTools };
}

export interface DecodedToolConfig {
  toolChoice?: ToolChoice;
  extra?: Json;
}

export function decodeToolConfig(raw: unknown): DecodedToolConfig {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) bad("toolConfig must be an object", "toolConfig");
  const { functionCallingConfig, ...rest } = camelKeys(raw);
  const extra: Json = { ...rest };
  let toolChoice: ToolChoice | undefined;
  if (isRecord(functionCallingConfig)) {
    const fcc = camelKeys(functionCallingConfig);
    const names = Array.isArray(fcc.allowedFunctionNames) ? fcc.allowedFunctionNames.filter((n): n is string => typeof n === "string") : [];
    const mode = str(fcc.mode) ?? "AUTO";
    const leftover: Json = {};
    if (mode === "NONE") toolChoice = { type: "none" };
    else if (mode === "ANY" && names.length === 1) toolChoice = { type: "tool", name: names[0] };
    else if (mode === "ANY") {
      toolChoice = { type: "required" };
      if (names.length > 1) leftover.allowedFunctionNames = names;
    } else if (mode === "AUTO" || mode === "MODE_UNSPECIFIED") toolChoice = { type: "auto" };
    else if (mode === "VALIDATED") {
      toolChoice = { type: "auto" };
      leftover.mode = mode;
      if (names.length) leftover.allowedFunctionNames = names;
    } else bad(`unknown functionCallingConfig.mode ${mode}`, "toolConfig.functionCallingConfig.mode");
    for (const [k, v] of Object.entries(fcc)) if (k !== "mode" && k !== "allowedFunctionNames") leftover[k] = v;
    if (Object.keys(leftover).length) extra.functionCallingConfig = leftover;
  }
  return { toolChoice, extra: Object.keys(extra).length ? extra : undefined };
}

const LEVELS: Record<string, ReasoningEffort> = { MINIMAL: "minimal", LOW: "low", MEDIUM: "medium", HIGH: "high", XHIGH: "high" };

function decodeThinking(raw: unknown): { reasoning?: ReasoningConfig; extra?: Json } {
  if (!isRecord(raw)) return {};
  const tc = camelKeys(raw);
  const extra: Json = {};
  const reasoning: ReasoningConfig = {};
  const budget = tc.thinkingBudget;
  if (budget !== undefined && (typeof budget !== "number" || !Number.isInteger(budget)))
    bad("thinkingBudget must be an integer", "generationConfig.thinkingConfig.thinkingBudget");
  if (budget === 0) reasoning.enabled = false;
  else if (typeof budget === "number") {
    reasoning.enabled = true;
    if (budget > 0) reasoning.budgetTokens = budget;
  }
  const level = str(tc.thinkingLevel);
  if (level && level !== "THINKING_LEVEL_UNSPECIFIED") {
    const effort = LEVELS[level.toUpperCase()];
    if (!effort) bad(`unknown thinkingLevel ${level}`, "generationConfig.thinkingConfig.thinkingLevel");
    reasoning.effort = effort;
    reasoning.enabled ??= true;
    if (level.toUpperCase() === "XHIGH") extra.thinkingLevel = "XHIGH"; // canonical effort tops out at high
  }
  if (tc.includeThoughts === true && reasoning.enabled === undefined) reasoning.enabled = true;
  if (tc.includeThoughts === false) extra.includeThoughts = false;
  for (const [k, v] of Object.entries(tc)) if (!["thinkingBudget", "thinkingLevel", "includeThoughts"].includes(k)) extra[k] = v;
  return {
    reasoning: Object.keys(reasoning).length ? reasoning : undefined,
    extra: Object.keys(extra).length ? extra : undefined,
  };
}

function decodeResponseFormat(gc: Json): ResponseFormat | undefined {
  const mime = str(gc.responseMimeType);
  const jsonSchema = isRecord(gc.responseJsonSchema) ? gc.responseJsonSchema : undefined;
  const schema = jsonSchema ?? (isRecord(gc.responseSchema) ? fromGeminiSchema(gc.responseSchema) : undefined);
  if (schema && (mime === undefined || mime === "application/json")) return { type: "json_schema", name: "response", schema };
  if (mime === "application/json") return { type: "json_object" };
  if (mime === "text/plain") return { type: "text" };
  return undefined;
}

type Settings = Pick<
  CanonicalRequest,
  "maxTokens" | "temperature" | "topP" | "topK" | "stop" | "seed" | "presencePenalty" | "frequencyPenalty" | "reasoning" | "responseFormat"
>;

const NUMBERS: Array<[string, keyof Settings]> = [
  ["maxOutputTokens", "maxTokens"],
  ["temperature", "temperature"],
  ["topP", "topP"],
  ["topK", "topK"],
  ["seed", "seed"],
  ["presencePenalty", "presencePenalty"],
  ["frequencyPenalty", "frequencyPenalty"],
];

export function decodeGenerationConfig(raw: unknown): { settings: Settings; extra?: Json } {
  if (raw === undefined || raw === null) return { settings: {} };
  if (!isRecord(raw)) bad("generationConfig must be an object", "generationConfig");
  const gc = camelKeys(raw);
  const settings: Record<string, unknown> = {};
  const used = new Set<string>(["thinkingConfig", "stopSequences"]);
  for (const [wire, field] of NUMBERS) {
    const v = gc[wire];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isFinite(v)) bad(`${wire} must be a number`, `generationConfig.${wire}`);
    settings[field] = v;
    used.add(wire);
  }
  if (gc.stopSequences !== undefined) {
    if (!Array.isArray(gc.stopSequences) || !gc.stopSequences.every((s) => typeof s === "string"))
      bad("stopSequences must be an array of strings", "generationConfig.stopSequences");
    if (gc.stopSequences.length) settings.stop = gc.stopSequences;
  }
  const responseFormat = decodeResponseFormat(gc);
  if (responseFormat) {
    settings.responseFormat = responseFormat;
    for (const k of ["responseMimeType", "responseSchema", "responseJsonSchema"]) used.add(k);
  }
  const thinking = decodeThinking(gc.thinkingConfig);
  if (thinking.reasoning) settings.reasoning = thinking.reasoning;
  const extra: Json = {};
  for (const [k, v] of Object.entries(gc)) if (!used.has(k) && v !== undefined) extra[k] = v;
  if (thinking.extra) extra.thinkingConfig = thinking.extra;
  return { settings: settings as Settings, extra: Object.keys(extra).length ? extra : undefined };
}
