// An Anthropic Messages request body -> CanonicalRequest.
import { restoreCallSignatures } from "../../canonical/tool-call-signature.ts";
import type { CanonicalRequest, Message, ReasoningConfig, ResponseFormat, ToolChoice, ToolDefinition } from "../../canonical/request.ts";
import type { RouteHints } from "../types.ts";
import { decodeContent } from "./content-decode.ts";
import { decodeThinking, isEffort } from "./reasoning.ts";
import { CONTENT_EXTRA_KEY, FORMAT_ID, invalid, isRecord, leftover, type ContentExtra, type Json, type ToolExtra } from "./wire.ts";

const KNOWN_FIELDS = [
  "model",
  "messages",
  "max_tokens",
  "system",
  "stream",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "tools",
  "tool_choice",
  "thinking",
  "metadata",
  "output_config",
  "output_format",
] as const;

export function decodeRequest(body: unknown, hints?: RouteHints): CanonicalRequest {
  if (!isRecord(body)) throw invalid("The request body must be a JSON object", "body");
  const model = typeof body.model === "string" && body.model !== "" ? body.model : hints?.model;
  if (!model) throw invalid("model is required", "model");
  const maxTokens = body.max_tokens;
  if (maxTokens === undefined || maxTokens === null) {
    throw invalid("max_tokens is required: the maximum number of tokens to generate", "max_tokens");
  }
  if (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 0) {
    throw invalid("max_tokens must be a non-negative integer", "max_tokens");
  }
  if (!Array.isArray(body.messages)) throw invalid("messages must be an array of messages", "messages");

  const extra: Json = leftover(body, KNOWN_FIELDS) ?? {};
  const req: CanonicalRequest = {
    model,
    messages: decodeMessages(body, extra),
    stream: typeof body.stream === "boolean" ? body.stream : (hints?.stream ?? false),
    maxTokens,
    extra,
    extraFormat: FORMAT_ID,
  };
  const temperature = optionalNumber(body, "temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optionalNumber(body, "top_p");
  if (topP !== undefined) req.topP = topP;
  const topK = optionalNumber(body, "top_k");
  if (topK !== undefined) req.topK = topK;
  if (body.stop_sequences != null) {
    if (!Array.isArray(body.stop_sequences) || !body.stop_sequences.every((s) => typeof s === "string")) {
      throw invalid("stop_sequences must be an array of strings", "stop_sequences");
    }
    req.stop = body.stop_sequences;
  }
  decodeTools(body.tools, req, extra);
  decodeToolChoice(body.tool_choice, req, extra);
  decodeMetadata(body.metadata, req, extra);
  const thinking = decodeThinking(body.thinking);
  if (thinking.keep) extra.thinking = thinking.keep;
  const reasoning: ReasoningConfig | undefined = thinking.reasoning;
  const output = decodeOutputConfig(body, extra);
  if (output.responseFormat) req.responseFormat = output.responseFormat;
  if (reasoning || output.effort) req.reasoning = { ...reasoning, ...(output.effort ? { effort: output.effort } : {}) };
  return req;
}

function optionalNumber(body: Json, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(`${key} must be a number`, key);
  return value;
}

/** Top-level `system` becomes the first canonical message; `role: "system"` turns keep their place. */
function decodeMessages(body: Json, extra: Json): Message[] {
  const extras: ContentExtra[] = [];
  const messages: Message[] = [];
  if (body.system !== undefined && body.system !== null) {
    messages.push({ role: "system", content: decodeContent(body.system, 0, "system", extras) });
  }
  (body.messages as unknown[]).forEach((m, i) => {
    const at = `messages[${i}]`;
    if (!isRecord(m)) throw invalid(`${at} must be an object with role and content`, at);
    if (m.role !== "user" && m.role !== "assistant" && m.role !== "system") {
      throw invalid(`${at}.role must be "user", "assistant" or "system"`, `${at}.role`);
    }
    const index = messages.length;
    const content = decodeContent(m.content, index, `${at}.content`, extras);
    // Gemini thought signatures this gateway carried in thinking blocks go back onto their calls.
    messages.push({ role: m.role, content: m.role === "assistant" ? restoreCallSignatures(content) : content });
  });
  if (extras.length > 0) extra[CONTENT_EXTRA_KEY] = extras;
  return messages;
}

/** Custom tools become ToolDefinitions; server tools (web_search, bash, ...) and custom-tool extras go to extra.tools. */
function decodeTools(tools: unknown, req: CanonicalRequest, extra: Json): void {
  if (tools === undefined || tools === null) return;
  if (!Array.isArray(tools)) throw invalid("tools must be an array", "tools");
  const defs: ToolDefinition[] = [];
  const extras: ToolExtra[] = [];
  tools.forEach((tool, i) => {
    const at = `tools[${i}]`;
    if (!isRecord(tool)) throw invalid(`${at} must be an object`, at);
    if (tool.type !== undefined && tool.type !== null && tool.type !== "custom") {
      extras.push({ index: defs.length, tool });
      return;
    }
    if (typeof tool.name !== "string" || tool.name === "") throw invalid(`${at}.name must be a non-empty string`, `${at}.name`);
    if (!isRecord(tool.input_schema)) throw invalid(`${at}.input_schema must be a JSON Schema object`, `${at}.input_schema`);
    const def: ToolDefinition = { name: tool.name, parameters: tool.input_schema };
    if (typeof tool.description === "string") def.description = tool.description;
    if (typeof tool.strict === "boolean") def.strict = tool.strict;
    const fields = leftover(tool, ["type", "name", "description", "input_schema", "strict"]);
    if (fields) extras.push({ index: defs.length, fields });
    defs.push(def);
  });
  if (defs.length > 0) req.tools = defs;
  if (extras.length > 0) extra.tools = extras;
}

function decodeToolChoice(choice: unknown, req: CanonicalRequest, extra: Json): void {
  if (choice === undefined || choice === null) return;
  if (!isRecord(choice) || typeof choice.type !== "string") throw invalid("tool_choice must be an object with a type", "tool_choice");
  let mapped: ToolChoice | undefined;
  if (choice.type === "auto") mapped = { type: "auto" };
  else if (choice.type === "any") mapped = { type: "required" };
  else if (choice.type === "none") mapped = { type: "none" };
  else if (choice.type === "tool") {
    if (typeof choice.name !== "string") throw invalid('tool_choice.name is required when tool_choice.type is "tool"', "tool_choice.name");
    mapped = { type: "tool", name: choice.name };
  }
  if (!mapped) {
    extra.tool_choice = choice;
    return;
  }
  req.toolChoice = mapped;
  if (typeof choice.disable_parallel_tool_use === "boolean") req.parallelToolCalls = !choice.disable_parallel_tool_use;
}

function decodeMetadata(metadata: unknown, req: CanonicalRequest, extra: Json): void {
  if (metadata === undefined || metadata === null) return;
  if (!isRecord(metadata)) throw invalid("metadata must be an object", "metadata");
  if (typeof metadata.user_id === "string") req.user = metadata.user_id;
  const rest = leftover(metadata, ["user_id"]);
  if (rest) extra.metadata = rest;
}

/**
 * `output_config.format` (structured outputs, GA) and the older beta `output_format` both become
 * responseFormat json_schema. `output_config.effort` becomes reasoning.effort (xhigh/max -> high) and
 * is also kept in extra.output_config so an Anthropic upstream gets it exactly as sent.
 */
function decodeOutputConfig(body: Json, extra: Json): { responseFormat?: ResponseFormat; effort?: ReasoningConfig["effort"] } {
  const out: { responseFormat?: ResponseFormat; effort?: ReasoningConfig["effort"] } = {};
  const config = body.output_config;
  if (config !== undefined && config !== null) {
    if (!isRecord(config)) throw invalid("output_config must be an object", "output_config");
    out.responseFormat = jsonSchemaFormat(config.format, "output_config.format");
    if (isEffort(config.effort)) out.effort = config.effort;
    else if (config.effort === "xhigh" || config.effort === "max") out.effort = "high";
    const rest = leftover(config, ["format"]);
    if (rest) extra.output_config = rest;
  }
  if (!out.responseFormat && body.output_format != null) out.responseFormat = jsonSchemaFormat(body.output_format, "output_format");
  return out;
}

function jsonSchemaFormat(format: unknown, param: string): ResponseFormat | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format) || format.type !== "json_schema" || !isRecord(format.schema)) {
    throw invalid(`${param} must be {"type":"json_schema","schema":{...}}`, param);
  }
  return { type: "json_schema", name: "output", schema: format.schema };
}
