// The shape of a Messages (and count_tokens) request, checked at the edge before routing (the fast path included):
// the fields the gateway relies on, typed and ranged as Anthropic's API reference gives them, worded as its API words them.
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
  type Dialect,
  type Expected,
  type Json,
} from "../request-shape.ts";

const invalid = (path: string, problem: string) =>
  new GatewayError("invalid_request", `${path}: ${problem}`, { param: path, code: "invalid_request_error" });

const WORDS: Record<Expected, string> = {
  string: "a valid string",
  integer: "a valid integer",
  number: "a valid number",
  boolean: "a valid boolean",
  object: "a valid dictionary",
  array: "a valid list",
  "string or array": "a valid string or a list of content blocks",
  "string or object": "a valid string or dictionary",
};

/** Anthropic's words (`messages.0.content: Input should be a valid list`). */
const d: Dialect = {
  path: (parent, key) => `${parent}.${key}`,
  missing: (path) => invalid(path, "Field required"),
  type: (path, expected) => invalid(path, `Input should be ${WORDS[expected]}`),
  oneOf: (path, _got, allowed) =>
    invalid(
      path,
      `Input should be ${allowed
        .map((a) => `'${a}'`)
        .join(", ")
        .replace(/, ([^,]*)$/, " or $1")}`,
    ),
  range: (path, got, { min, max }) =>
    invalid(
      path,
      min !== undefined && got < min ? `Input should be greater than or equal to ${min}` : `Input should be less than or equal to ${max}`,
    ),
  empty: (path) => invalid(path, "List should have at least 1 item after validation, not 0"),
};

const ROLES = ["user", "assistant"] as const;
const TOOL_CHOICES = ["auto", "any", "tool", "none"] as const;

/** POST /v1/messages. */
export function validateMessagesRequest(body: Json): void {
  validateCountTokensRequest(body);
  optNumber(d, required(d, body, "max_tokens"), "", "max_tokens", { min: 1, integer: true });
  optBoolean(d, body.stream, "", "stream");
  optNumber(d, body.temperature, "", "temperature", { min: 0, max: 1 });
  optNumber(d, body.top_p, "", "top_p", { min: 0, max: 1 });
  optNumber(d, body.top_k, "", "top_k", { min: 0, integer: true });
  optStrings(d, body.stop_sequences, "", "stop_sequences", false);
  optObject(d, body.metadata, "", "metadata");
}

/** POST /v1/messages/count_tokens: the same body without max_tokens and sampling. */
export function validateCountTokensRequest(body: Json): void {
  checkModel(d, body);
  const messages = required(d, body, "messages");
  if (!Array.isArray(messages)) throw d.type("messages", "array", messages);
  if (messages.length === 0) throw d.empty("messages");
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const at = `messages.${i}`;
    if (!isRecord(message)) throw d.type(at, "object", message);
    optOneOf(d, required(d, message, "role", at), at, "role", ROLES);
    checkContent(required(d, message, "content", at), `${at}.content`);
  }
  const system = body.system;
  if (system !== undefined && system !== null && typeof system !== "string") {
    if (!Array.isArray(system)) throw d.type("system", "string or array", system);
    checkBlocks(system, "system");
  }
  if (optArray(d, body.tools, "", "tools")) {
    for (let i = 0; i < body.tools.length; i++) checkTool(body.tools[i], `tools.${i}`);
  }
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    const choice = body.tool_choice;
    if (!isRecord(choice)) throw d.type("tool_choice", "object", choice);
    optOneOf(d, required(d, choice, "type", "tool_choice"), "tool_choice", "type", TOOL_CHOICES);
    if (choice.type === "tool" && typeof choice.name !== "string")
      throw choice.name === undefined ? d.missing("tool_choice.name") : d.type("tool_choice.name", "string", choice.name);
  }
  if (body.thinking !== undefined && body.thinking !== null) {
    const thinking = body.thinking;
    if (!isRecord(thinking)) throw d.type("thinking", "object", thinking);
    optString(d, required(d, thinking, "type", "thinking"), "thinking", "type");
    if (thinking.type === "enabled")
      optNumber(d, required(d, thinking, "budget_tokens", "thinking"), "thinking", "budget_tokens", { min: 1024, integer: true });
  }
}

function checkContent(content: unknown, at: string): void {
  if (typeof content === "string") return;
  if (!Array.isArray(content)) throw d.type(at, "string or array", content);
  checkBlocks(content, at);
}

function needString(block: Json, key: string, at: string): void {
  const value = required(d, block, key, at);
  if (typeof value !== "string") throw d.type(`${at}.${key}`, "string", value);
}

function checkBlocks(blocks: unknown[], parent: string): void {
  for (let j = 0; j < blocks.length; j++) {
    const block = blocks[j];
    const at = `${parent}.${j}`;
    if (!isRecord(block)) throw d.type(at, "object", block);
    const type = required(d, block, "type", at);
    if (typeof type !== "string") throw d.type(`${at}.type`, "string", type);
    switch (type) {
      case "text":
        needString(block, "text", at);
        break;
      case "image":
      case "document":
        optObject(d, required(d, block, "source", at), at, "source");
        break;
      case "tool_use":
        needString(block, "id", at);
        needString(block, "name", at);
        optObject(d, required(d, block, "input", at), at, "input");
        break;
      case "tool_result":
        needString(block, "tool_use_id", at);
        optBoolean(d, block.is_error, at, "is_error");
        if (block.content !== undefined && block.content !== null && typeof block.content !== "string") {
          if (!Array.isArray(block.content)) throw d.type(`${at}.content`, "string or array", block.content);
          checkBlocks(block.content, `${at}.content`);
        }
        break;
      case "thinking":
        needString(block, "thinking", at);
        optString(d, block.signature, at, "signature");
        break;
      case "redacted_thinking":
        needString(block, "data", at);
        break;
      default:
        break; // server tool blocks and newer kinds: their own fields are the upstream's to judge
    }
  }
}

function checkTool(tool: unknown, at: string): void {
  if (!isRecord(tool)) throw d.type(at, "object", tool);
  needString(tool, "name", at);
  optString(d, tool.description, at, "description");
  // A client tool (no type, or "custom") carries its JSON Schema; server tools (web_search_..., bash_...) do not.
  if (tool.type === undefined || tool.type === null || tool.type === "custom")
    optObject(d, required(d, tool, "input_schema", at), at, "input_schema");
  else if (typeof tool.type !== "string") throw d.type(`${at}.type`, "string", tool.type);
}
