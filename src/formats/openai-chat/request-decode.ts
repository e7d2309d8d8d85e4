// A Chat Completions request body as a CanonicalRequest; fields canonical lacks go to `extra`.
import type { CanonicalRequest, ReasoningConfig, ResponseFormat, ToolChoice, ToolDefinition } from "../../canonical/request.ts";
import type { RouteHints } from "../types.ts";
import { decodeMessages } from "./messages-decode.ts";
import { FORMAT_ID, MESSAGE_NAMES_KEY, invalid, isRecord, optionalNumber, type Json } from "./wire.ts";

/** Body fields mapped to canonical fields; every other field is kept in `extra` under its own name. */
const MAPPED = [
  "model",
  "messages",
  "stream",
  "tools",
  "functions",
  "tool_choice",
  "function_call",
  "parallel_tool_calls",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "top_k",
  "stop",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "reasoning_effort",
  "response_format",
  "user",
];

const EFFORTS = ["minimal", "low", "medium", "high"] as const;

export function decodeRequest(body: unknown, hints?: RouteHints): CanonicalRequest {
  if (!isRecord(body)) throw invalid("The request body must be a JSON object.", "body");
  const model = typeof body.model === "string" && body.model ? body.model : hints?.model;
  if (!model) throw invalid("'model' is required and must be a non-empty string.", "model");
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") {
    throw invalid("'stream' must be a boolean.", "stream");
  }
  const { messages, names } = decodeMessages(body.messages);
  const extra: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (!MAPPED.includes(key) && value !== undefined) extra[key] = value;
  }
  if (Object.keys(names).length > 0) extra[MESSAGE_NAMES_KEY] = names;

  const req: CanonicalRequest = {
    model,
    messages,
    // Only an explicit `stream: true` streams: no field (curl's default) is a plain JSON answer.
    stream: body.stream === true,
    extra,
    extraFormat: FORMAT_ID,
  };

  const tools = decodeTools(body);
  if (tools) req.tools = tools;
  const toolChoice = decodeToolChoice(body, extra);
  if (toolChoice) req.toolChoice = toolChoice;
  if (typeof body.parallel_tool_calls === "boolean") req.parallelToolCalls = body.parallel_tool_calls;

  // max_completion_tokens wins over the deprecated max_tokens; `extra` remembers which name the client
  // used so an OpenAI -> OpenAI translation sends the same one (the encoder writes req.maxTokens under it).
  const maxCompletion = optionalNumber(body, "max_completion_tokens");
  const maxTokens = maxCompletion ?? optionalNumber(body, "max_tokens");
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  if (maxCompletion !== undefined) extra.max_completion_tokens = maxCompletion;

  const temperature = optionalNumber(body, "temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optionalNumber(body, "top_p");
  if (topP !== undefined) req.topP = topP;
  // top_k is not OpenAI's, but many compatible providers take it: canonical, and remembered like max_completion_tokens.
  const topK = optionalNumber(body, "top_k");
  if (topK !== undefined) {
    req.topK = topK;
    extra.top_k = topK;
  }
  const seed = optionalNumber(body, "seed");
  if (seed !== undefined) req.seed = seed;
  const presence = optionalNumber(body, "presence_penalty");
  if (presence !== undefined) req.presencePenalty = presence;
  const frequency = optionalNumber(body, "frequency_penalty");
  if (frequency !== undefined) req.frequencyPenalty = frequency;
  const stop = decodeStop(body.stop);
  if (stop) req.stop = stop;
  if (typeof body.user === "string") req.user = body.user;

  const reasoning = decodeReasoningEffort(body.reasoning_effort, extra);
  if (reasoning) req.reasoning = reasoning;
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat) req.responseFormat = responseFormat;
  return req;
}

function decodeStop(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === "string") return [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === "string")) return stop.length ? stop : undefined;
  throw invalid("'stop' must be a string or an array of strings.", "stop");
}

function functionTool(fn: unknown, path: string): ToolDefinition {
  if (!isRecord(fn) || typeof fn.name !== "string" || !fn.name) {
    throw invalid(`'${path}.name' must be a non-empty string.`, `${path}.name`);
  }
  const tool: ToolDefinition = {
    name: fn.name,
    parameters: isRecord(fn.parameters) ? fn.parameters : { type: "object", properties: {} },
  };
  if (typeof fn.description === "string") tool.description = fn.description;
  if (typeof fn.strict === "boolean") tool.strict = fn.strict;
  return tool;
}

/** `tools` (type function), or the legacy `functions` list when there are no tools. */
function decodeTools(body: Json): ToolDefinition[] | undefined {
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) throw invalid("'tools' must be an array.", "tools");
    return body.tools.map((t: unknown, i) => {
      const path = `tools[${i}]`;
      if (!isRecord(t)) throw invalid(`'${path}' must be an object.`, path);
      if (t.type === "custom")
        throw invalid(`'${path}': custom tools are not supported by the gateway; use function tools.`, `${path}.type`);
      if (t.type !== "function") throw invalid(`'${path}.type' must be "function".`, `${path}.type`);
      return functionTool(t.function, `${path}.function`);
    });
  }
  if (Array.isArray(body.functions)) return body.functions.map((f: unknown, i) => functionTool(f, `functions[${i}]`));
  return undefined;
}

function decodeToolChoice(body: Json, extra: Json): ToolChoice | undefined {
  const param = body.tool_choice !== undefined && body.tool_choice !== null ? "tool_choice" : "function_call";
  const choice = body[param];
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto" || choice === "none") return { type: choice };
  if (choice === "required" && param === "tool_choice") return { type: "required" };
  if (isRecord(choice)) {
    // {type:"function", function:{name}}, or legacy function_call {name}.
    const fn = param === "tool_choice" ? (choice.type === "function" && isRecord(choice.function) ? choice.function : undefined) : choice;
    if (fn && typeof fn.name === "string") return { type: "tool", name: fn.name };
    if (param === "tool_choice" && choice.type === "allowed_tools" && isRecord(choice.allowed_tools)) {
      // Canonical cannot restrict to a subset: keep the mode, and the original for an OpenAI upstream.
      extra.tool_choice = choice;
      return { type: choice.allowed_tools.mode === "required" ? "required" : "auto" };
    }
  }
  throw invalid(`'${param}' must be "none", "auto", "required" or {"type":"function","function":{"name":...}}.`, param);
}

/**
 * reasoning_effort: minimal..high map to canonical effort; "none" disables thinking; "xhigh" and
 * "max" (newer OpenAI values) become "high" and stay in `extra` so an OpenAI upstream gets them as sent.
 */
function decodeReasoningEffort(effort: unknown, extra: Json): ReasoningConfig | undefined {
  if (effort === undefined || effort === null) return undefined;
  if (typeof effort !== "string") throw invalid("'reasoning_effort' must be a string.", "reasoning_effort");
  if ((EFFORTS as readonly string[]).includes(effort)) return { effort: effort as ReasoningConfig["effort"] };
  extra.reasoning_effort = effort;
  if (effort === "none") return { enabled: false };
  if (effort === "xhigh" || effort === "max") return { effort: "high" };
  return undefined;
}

function decodeResponseFormat(format: unknown): ResponseFormat | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format)) throw invalid("'response_format' must be an object.", "response_format");
  if (format.type === "text" || format.type === "json_object") return { type: format.type };
  if (format.type === "json_schema") {
    const js = isRecord(format.json_schema) ? format.json_schema : undefined;
    if (typeof js?.name !== "string") {
      throw invalid("'response_format.json_schema.name' must be a string.", "response_format.json_schema.name");
    }
    const out: ResponseFormat = { type: "json_schema", name: js.name, schema: isRecord(js.schema) ? js.schema : {} };
    if (typeof js.strict === "boolean") out.strict = js.strict;
    if (typeof js.description === "string") out.description = js.description;
    return out;
  }
  throw invalid("'response_format.type' must be one of text, json_object, json_schema.", "response_format.type");
}
