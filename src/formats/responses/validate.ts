// The shape of a Responses request, checked at the edge before routing (the fast path included): the fields the
// gateway relies on, typed and ranged as OpenAI's API reference gives them, in OpenAI's words and paths (`input[0].role`).
import { openaiDialect as d } from "../openai-chat/validate.ts";
import {
  checkModel,
  isRecord,
  optArray,
  optBoolean,
  optNumber,
  optObject,
  optOneOf,
  optString,
  required,
  type Json,
} from "../request-shape.ts";

const ROLES = ["user", "assistant", "system", "developer"] as const;

export function validateResponsesRequest(body: Json): void {
  checkModel(d, body);
  const input = body.input;
  if (input !== undefined && input !== null && typeof input !== "string") {
    if (!Array.isArray(input)) throw d.type("input", "string or array", input);
    for (let i = 0; i < input.length; i++) checkItem(input[i], `input[${i}]`);
  }
  optString(d, body.instructions, "", "instructions");
  optBoolean(d, body.stream, "", "stream");
  optBoolean(d, body.store, "", "store");
  optBoolean(d, body.parallel_tool_calls, "", "parallel_tool_calls");
  optNumber(d, body.max_output_tokens, "", "max_output_tokens", { min: 16, integer: true });
  optNumber(d, body.max_tool_calls, "", "max_tool_calls", { min: 1, integer: true });
  optNumber(d, body.temperature, "", "temperature", { min: 0, max: 2 });
  optNumber(d, body.top_p, "", "top_p", { min: 0, max: 1 });
  optNumber(d, body.top_logprobs, "", "top_logprobs", { min: 0, max: 20, integer: true });
  optOneOf(d, body.truncation, "", "truncation", ["auto", "disabled"]);
  optString(d, body.user, "", "user");
  optObject(d, body.reasoning, "", "reasoning");
  optObject(d, body.text, "", "text");
  optObject(d, body.metadata, "", "metadata");
  if (optArray(d, body.tools, "", "tools")) {
    for (let i = 0; i < body.tools.length; i++) checkTool(body.tools[i], `tools[${i}]`);
  }
  const choice = body.tool_choice;
  if (typeof choice === "string") optOneOf(d, choice, "", "tool_choice", ["none", "auto", "required"]);
  else if (choice !== undefined && choice !== null && !isRecord(choice)) throw d.type("tool_choice", "string or object", choice);
}

function needString(item: Json, key: string, at: string): void {
  const value = required(d, item, key, at);
  if (typeof value !== "string") throw d.type(`${at}.${key}`, "string", value);
}

function checkItem(item: unknown, at: string): void {
  if (!isRecord(item)) throw d.type(at, "object", item);
  const type = item.type;
  if (type !== undefined && typeof type !== "string") throw d.type(`${at}.type`, "string", type);
  if (type === undefined || type === "message") {
    optOneOf(d, required(d, item, "role", at), at, "role", ROLES);
    const content = required(d, item, "content", at);
    if (typeof content === "string") return;
    if (!Array.isArray(content)) throw d.type(`${at}.content`, "string or array", content);
    for (let j = 0; j < content.length; j++) {
      const part = content[j];
      const partAt = `${at}.content[${j}]`;
      if (!isRecord(part)) throw d.type(partAt, "object", part);
      needString(part, "type", partAt);
      if (part.type === "input_text" || part.type === "output_text") needString(part, "text", partAt);
    }
    return;
  }
  switch (type) {
    case "function_call":
      needString(item, "call_id", at);
      needString(item, "name", at);
      needString(item, "arguments", at);
      break;
    case "function_call_output": {
      needString(item, "call_id", at);
      const output = required(d, item, "output", at);
      if (typeof output !== "string" && !Array.isArray(output)) throw d.type(`${at}.output`, "string or array", output);
      break;
    }
    default:
      break; // reasoning, custom tool calls, item references...: their fields are the upstream's to judge
  }
}

function checkTool(tool: unknown, at: string): void {
  if (!isRecord(tool)) throw d.type(at, "object", tool);
  needString(tool, "type", at);
  if (tool.type !== "function") return;
  needString(tool, "name", at);
  optString(d, tool.description, at, "description");
  optObject(d, tool.parameters, at, "parameters");
}
