// The shape of a Chat Completions request, checked at the edge before routing (the fast path included):
// the fields the gateway relies on, with the types and ranges of OpenAI's API reference, worded as api.openai.com words them.
import { GatewayError } from "../../canonical/errors.ts";
import {
  checkModel,
  isRecord,
  optArray,
  optBoolean,
  optNumber,
  optObject,
  optOneOf,
  optString,
  optStrings,
  required,
  shown,
  typeName,
  type Dialect,
  type Json,
} from "../request-shape.ts";

const invalid = (message: string, param: string, code: string) => new GatewayError("invalid_request", message, { param, code });

/** OpenAI's words for each problem (`Invalid type for 'messages[0].content': ...`). Responses shares them. */
export const openaiDialect: Dialect = {
  path: (parent, key) => (typeof key === "number" ? `${parent}[${key}]` : `${parent}.${key}`),
  missing: (path) => invalid(`Missing required parameter: '${path}'.`, path, "missing_required_parameter"),
  type: (path, expected, got) =>
    invalid(`Invalid type for '${path}': expected ${article(expected)}, but got ${typeName(got)} instead.`, path, "invalid_type"),
  oneOf: (path, got, allowed) =>
    invalid(`Invalid value: '${shown(got)}'. Supported values are: ${allowed.map((a) => `'${a}'`).join(", ")}.`, path, "invalid_value"),
  range: (path, got, { min, max, integer }) => {
    const kind = integer ? "integer" : "decimal";
    return min !== undefined && got < min
      ? invalid(
          `Invalid '${path}': ${kind} below minimum value. Expected a value >= ${min}, but got ${got} instead.`,
          path,
          `${kind}_below_min_value`,
        )
      : invalid(
          `Invalid '${path}': ${kind} above maximum value. Expected a value <= ${max}, but got ${got} instead.`,
          path,
          `${kind}_above_max_value`,
        );
  },
  empty: (path) =>
    invalid(
      `Invalid '${path}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
      path,
      "empty_array",
    ),
};

function article(expected: string): string {
  switch (expected) {
    case "string or array":
      return "one of a string or array of objects";
    case "string or object":
      return "one of a string or object";
    case "integer":
    case "object":
    case "array":
      return `an ${expected}`;
    default:
      return `a ${expected}`;
  }
}

const d = openaiDialect;
const ROLES = ["system", "developer", "user", "assistant", "tool", "function"] as const;
const PART_TYPES = ["text", "image_url", "input_audio", "file", "refusal"] as const;

export function validateChatRequest(body: Json): void {
  checkModel(d, body);
  const messages = required(d, body, "messages");
  if (!Array.isArray(messages)) throw d.type("messages", "array", messages);
  if (messages.length === 0) throw d.empty("messages");
  for (let i = 0; i < messages.length; i++) checkMessage(messages[i], i);

  optBoolean(d, body.stream, "", "stream");
  optObject(d, body.stream_options, "", "stream_options");
  optNumber(d, body.max_tokens, "", "max_tokens", { min: 1, integer: true });
  optNumber(d, body.max_completion_tokens, "", "max_completion_tokens", { min: 1, integer: true });
  optNumber(d, body.temperature, "", "temperature", { min: 0, max: 2 });
  optNumber(d, body.top_p, "", "top_p", { min: 0, max: 1 });
  optNumber(d, body.n, "", "n", { min: 1, max: 128, integer: true });
  optNumber(d, body.presence_penalty, "", "presence_penalty", { min: -2, max: 2 });
  optNumber(d, body.frequency_penalty, "", "frequency_penalty", { min: -2, max: 2 });
  optNumber(d, body.seed, "", "seed", { integer: true });
  optNumber(d, body.top_logprobs, "", "top_logprobs", { min: 0, max: 20, integer: true });
  optBoolean(d, body.logprobs, "", "logprobs");
  optBoolean(d, body.parallel_tool_calls, "", "parallel_tool_calls");
  optStrings(d, body.stop, "", "stop", true);
  optString(d, body.user, "", "user");
  optString(d, body.reasoning_effort, "", "reasoning_effort");
  optObject(d, body.metadata, "", "metadata");
  optObject(d, body.logit_bias, "", "logit_bias");
  if (body.response_format !== undefined && body.response_format !== null) {
    if (!isRecord(body.response_format)) throw d.type("response_format", "object", body.response_format);
    optOneOf(d, required(d, body.response_format, "type", "response_format"), "response_format", "type", [
      "text",
      "json_object",
      "json_schema",
    ]);
  }
  if (optArray(d, body.tools, "", "tools")) {
    for (let i = 0; i < body.tools.length; i++) checkTool(body.tools[i], i);
  }
  const choice = body.tool_choice;
  if (choice !== undefined && choice !== null && typeof choice === "string")
    optOneOf(d, choice, "", "tool_choice", ["none", "auto", "required"]);
  else if (choice !== undefined && choice !== null && !isRecord(choice)) throw d.type("tool_choice", "string or object", choice);
}

function checkMessage(message: unknown, i: number): void {
  const at = `messages[${i}]`;
  if (!isRecord(message)) throw d.type(at, "object", message);
  const role = required(d, message, "role", at);
  optOneOf(d, role, at, "role", ROLES);
  optString(d, message.name, at, "name");
  const content = message.content;
  if (role === "assistant") {
    // An assistant turn may carry only tool calls (content null or absent).
    if (content !== undefined && content !== null) checkContent(content, at);
    if (optArray(d, message.tool_calls, at, "tool_calls")) {
      for (let j = 0; j < message.tool_calls.length; j++) checkToolCall(message.tool_calls[j], `${at}.tool_calls[${j}]`);
    }
    optObject(d, message.function_call, at, "function_call");
    return;
  }
  if (role === "function" && content === null) return;
  checkContent(required(d, message, "content", at), at);
  if (role === "tool") {
    const id = required(d, message, "tool_call_id", at);
    if (typeof id !== "string") throw d.type(`${at}.tool_call_id`, "string", id);
  }
}

function checkContent(content: unknown, at: string): void {
  if (typeof content === "string") return;
  if (!Array.isArray(content)) throw d.type(`${at}.content`, "string or array", content);
  for (let j = 0; j < content.length; j++) {
    const part = content[j];
    const partAt = `${at}.content[${j}]`;
    if (!isRecord(part)) throw d.type(partAt, "object", part);
    const type = required(d, part, "type", partAt);
    optOneOf(d, type, partAt, "type", PART_TYPES);
    switch (type) {
      case "text":
        if (typeof part.text !== "string") throw d.type(`${partAt}.text`, "string", part.text);
        break;
      case "refusal":
        if (typeof part.refusal !== "string") throw d.type(`${partAt}.refusal`, "string", part.refusal);
        break;
      case "image_url": {
        const image = required(d, part, "image_url", partAt);
        if (!isRecord(image)) throw d.type(`${partAt}.image_url`, "object", image);
        if (typeof image.url !== "string") throw d.type(`${partAt}.image_url.url`, "string", image.url);
        break;
      }
      case "input_audio":
        optObject(d, required(d, part, "input_audio", partAt), partAt, "input_audio");
        break;
      case "file":
        optObject(d, required(d, part, "file", partAt), partAt, "file");
        break;
    }
  }
}

function checkToolCall(call: unknown, at: string): void {
  if (!isRecord(call)) throw d.type(at, "object", call);
  optString(d, call.id, at, "id");
  if (call.type === "custom" || call.function === undefined) return;
  const fn = call.function;
  if (!isRecord(fn)) throw d.type(`${at}.function`, "object", fn);
  if (typeof fn.name !== "string") throw d.type(`${at}.function.name`, "string", fn.name);
  optString(d, fn.arguments, `${at}.function`, "arguments");
}

function checkTool(tool: unknown, i: number): void {
  const at = `tools[${i}]`;
  if (!isRecord(tool)) throw d.type(at, "object", tool);
  if (tool.type !== "function") return; // custom tools are refused, with their reason, when decoded
  const fn = required(d, tool, "function", at);
  if (!isRecord(fn)) throw d.type(`${at}.function`, "object", fn);
  const name = required(d, fn, "name", `${at}.function`);
  if (typeof name !== "string") throw d.type(`${at}.function.name`, "string", name);
  optString(d, fn.description, `${at}.function`, "description");
  optObject(d, fn.parameters, `${at}.function`, "parameters");
}
