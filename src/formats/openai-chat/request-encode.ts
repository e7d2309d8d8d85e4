// A CanonicalRequest as a Chat Completions body for an OpenAI-compatible upstream.
import type { CanonicalRequest, ReasoningConfig, ReasoningEffort, ResponseFormat, ToolChoice } from "../../canonical/request.ts";
import { assertNever } from "../../canonical/response.ts";
import type { EncodedRequest } from "../types.ts";
import { encodeMessages } from "./messages-encode.ts";
import { FORMAT_ID, INTERNAL_EXTRA_KEYS, MESSAGE_NAMES_KEY, isRecord, type Json } from "./wire.ts";

/** Extra keys the encoder writes itself (from canonical values), not copied as they are. */
const HANDLED_EXTRA = ["stream_options", "max_completion_tokens", "top_k"];

export function encodeRequest(req: CanonicalRequest): EncodedRequest {
  const dropped = new Set<string>();
  const same = req.extraFormat === FORMAT_ID;
  const extra = same ? req.extra : {};
  const names = isRecord(extra[MESSAGE_NAMES_KEY]) ? extra[MESSAGE_NAMES_KEY] : undefined;
  const body: Json = { model: req.model, messages: encodeMessages(req.messages, names, dropped) };

  if (req.stream) {
    // Always ask for the usage chunk; the pipeline hides it from clients that did not ask.
    const options = isRecord(extra.stream_options) ? extra.stream_options : {};
    body.stream = true;
    body.stream_options = { ...options, include_usage: true };
  }
  if (req.tools) {
    body.tools = req.tools.map((t) => {
      const fn: Json = { name: t.name };
      if (t.description !== undefined) fn.description = t.description;
      fn.parameters = t.parameters;
      if (t.strict !== undefined) fn.strict = t.strict;
      return { type: "function", function: fn };
    });
  }
  if (req.toolChoice) body.tool_choice = encodeToolChoice(req.toolChoice);
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  // max_tokens is what every compatible provider takes; an OpenAI client that sent max_completion_tokens gets that name back.
  if (req.maxTokens !== undefined) body[extra.max_completion_tokens !== undefined ? "max_completion_tokens" : "max_tokens"] = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) {
    if (extra.top_k !== undefined) body.top_k = req.topK;
    else dropped.add("topK");
  }
  if (req.stop && req.stop.length > 0) body.stop = req.stop;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.user !== undefined) body.user = req.user;
  // An OpenAI client's reasoning_effort that canonical could only approximate ("none", "xhigh") is in extra.
  if (req.reasoning && extra.reasoning_effort === undefined) encodeReasoning(req.reasoning, body, dropped);
  if (req.responseFormat) body.response_format = encodeResponseFormat(req.responseFormat);

  for (const [key, value] of Object.entries(req.extra)) {
    if (INTERNAL_EXTRA_KEYS.includes(key) && same) continue;
    if (!same) {
      dropped.add(key);
      continue;
    }
    if (HANDLED_EXTRA.includes(key)) continue;
    // The client's own Chat fields (n, logprobs, metadata, store, ... and the originals of tool_choice /
    // reasoning_effort that canonical could only approximate) go back as sent.
    body[key] = value;
  }
  return { body, dropped: [...dropped] };
}

function encodeToolChoice(choice: ToolChoice): unknown {
  switch (choice.type) {
    case "auto":
    case "none":
    case "required":
      return choice.type;
    case "tool":
      return { type: "function", function: { name: choice.name } };
    default:
      return assertNever(choice, "tool choice");
  }
}

/**
 * Budget tokens as an effort when no effort is given: under 4096 "low", under 16384 "medium", else
 * "high" (Claude Code's "think" is 4000, its maximum 31999); a budget of 0 or less says nothing.
 */
export function effortForBudget(budget: number): ReasoningEffort | undefined {
  if (budget <= 0) return undefined;
  if (budget < 4096) return "low";
  if (budget < 16384) return "medium";
  return "high";
}

/**
 * reasoning_effort from the canonical config. A token budget has no Chat field: it is approximated by
 * an effort and reported as dropped. A disabled config sends nothing (there is no portable "off"; an
 * OpenAI client's own "none" travels in `extra`) and is reported.
 */
function encodeReasoning(reasoning: ReasoningConfig, body: Json, dropped: Set<string>): void {
  if (reasoning.enabled === false) {
    dropped.add("reasoning.enabled");
    return;
  }
  const effort = reasoning.effort ?? (reasoning.budgetTokens !== undefined ? effortForBudget(reasoning.budgetTokens) : undefined);
  if (effort) body.reasoning_effort = effort;
  if (reasoning.budgetTokens !== undefined) dropped.add("reasoning.budgetTokens");
}

function encodeResponseFormat(format: ResponseFormat): Json {
  switch (format.type) {
    case "text":
    case "json_object":
      return { type: format.type };
    case "json_schema": {
      const schema: Json = { name: format.name, schema: format.schema };
      if (format.strict !== undefined) schema.strict = format.strict;
      if (format.description !== undefined) schema.description = format.description;
      return { type: "json_schema", json_schema: schema };
    }
    default:
      return assertNever(format, "response format");
  }
}
