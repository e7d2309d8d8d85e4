// A canonical request as the body of POST /v1/responses for a Responses upstream.
import type { CanonicalRequest, ReasoningConfig, ReasoningEffort, ResponseFormat, ToolChoice } from "../../canonical/request.ts";
import { assertNever } from "../../canonical/response.ts";
import type { EncodedRequest } from "../types.ts";
import { customToolNames } from "./custom-tools.ts";
import { encodeInput } from "./input-encode.ts";
import { isRecord, type Json } from "./wire.ts";

const MIN_OUTPUT_TOKENS = 16;

/** Extra keys merged into a canonical field rather than copied as they are. */
const MERGED = new Set(["tools", "tool_choice", "reasoning", "text"]);

export function encodeToolChoice(choice: ToolChoice): unknown {
  switch (choice.type) {
    case "auto":
    case "none":
    case "required":
      return choice.type;
    case "tool":
      return { type: "function", name: choice.name };
    default:
      return assertNever(choice, "tool choice");
  }
}

/** A thinking budget in tokens as the nearest effort level (Responses has no budget). */
function effortForBudget(budget: number): ReasoningEffort {
  if (budget <= 1024) return "low";
  if (budget <= 8192) return "medium";
  return "high";
}

export function encodeReasoning(config: ReasoningConfig): Json {
  if (config.enabled === false) return { effort: "none" };
  if (config.effort) return { effort: config.effort };
  if (config.budgetTokens !== undefined) return { effort: effortForBudget(config.budgetTokens) };
  return {};
}

export function encodeTextFormat(format: ResponseFormat): Json {
  switch (format.type) {
    case "text":
    case "json_object":
      return { type: format.type };
    case "json_schema": {
      const out: Json = { type: "json_schema", name: format.name, schema: format.schema };
      if (format.strict !== undefined) out.strict = format.strict;
      if (format.description !== undefined) out.description = format.description;
      return out;
    }
    default:
      return assertNever(format, "response format");
  }
}

export function encodeRequest(req: CanonicalRequest): EncodedRequest {
  const dropped = new Set<string>();
  const passthrough = req.extraFormat === "responses";
  const extra = passthrough ? req.extra : {};
  if (!passthrough) for (const key of Object.keys(req.extra)) dropped.add(key);

  const { instructions, input } = encodeInput(req.messages, dropped, customToolNames(req));
  const body: Json = { model: req.model };
  if (instructions !== undefined) body.instructions = instructions;
  body.input = input;
  body.stream = req.stream;
  // Stateless by default: nothing is left stored upstream unless a Responses client asked for it.
  body.store = false;

  const tools: unknown[] = (req.tools ?? []).map((t) => ({
    type: "function",
    name: t.name,
    ...(t.description !== undefined ? { description: t.description } : {}),
    parameters: t.parameters,
    // Responses makes function tools strict unless told otherwise; canonical tools are not.
    strict: t.strict ?? false,
  }));
  if (Array.isArray(extra.tools)) tools.push(...extra.tools);
  if (tools.length) body.tools = tools;
  if (req.toolChoice) body.tool_choice = encodeToolChoice(req.toolChoice);
  else if (extra.tool_choice !== undefined) body.tool_choice = extra.tool_choice;
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  // OpenAI refuses max_output_tokens below 16 (integer_below_min_value); tiny probes (max_tokens: 1) get 16.
  if (req.maxTokens !== undefined) body.max_output_tokens = Math.max(MIN_OUTPUT_TOKENS, req.maxTokens);
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.user !== undefined) body.user = req.user;

  if (req.topK !== undefined) dropped.add("topK");
  if (req.stop?.length) dropped.add("stop");
  if (req.seed !== undefined) dropped.add("seed");
  if (req.presencePenalty !== undefined) dropped.add("presencePenalty");
  if (req.frequencyPenalty !== undefined) dropped.add("frequencyPenalty");

  const extraReasoning = isRecord(extra.reasoning) ? extra.reasoning : undefined;
  if (req.reasoning || extraReasoning) {
    const reasoning: Json = { ...(req.reasoning ? encodeReasoning(req.reasoning) : {}), ...extraReasoning };
    // A client of another format that asked for thinking expects to see it: ask for summaries, and
    // for the encrypted reasoning so the next turn can replay it (store is false).
    if (!passthrough && req.reasoning?.enabled !== false) {
      reasoning.summary = "auto";
      body.include = ["reasoning.encrypted_content"];
    }
    body.reasoning = reasoning;
  }

  const extraText = isRecord(extra.text) ? extra.text : undefined;
  if (req.responseFormat || extraText) {
    body.text = { ...extraText, ...(req.responseFormat ? { format: encodeTextFormat(req.responseFormat) } : {}) };
  }

  for (const [key, value] of Object.entries(extra)) {
    if (!MERGED.has(key)) body[key] = value;
  }
  return { body, dropped: [...dropped] };
}
