// The shape of a generateContent / countTokens request, checked at the edge before routing (the fast path included):
// the fields the gateway relies on, typed and ranged as Google's API reference gives them, in lowerCamel or
// snake_case as the REST API takes them, worded as Google's API words them (`Invalid value at 'contents[0].parts' ...`).
import { GatewayError } from "../../canonical/errors.ts";
import {
  isRecord,
  optArray,
  optBoolean,
  optNumber,
  optObject,
  optOneOf,
  optString,
  optStrings,
  shown,
  typeName,
  type Dialect,
  type Expected,
  type Json,
} from "../request-shape.ts";

const invalid = (message: string, param: string) => new GatewayError("invalid_request", message, { param, code: "INVALID_ARGUMENT" });
const PROTO_TYPES: Record<Expected, string> = {
  string: "TYPE_STRING",
  integer: "TYPE_INT32",
  number: "TYPE_FLOAT",
  boolean: "TYPE_BOOL",
  object: "TYPE_MESSAGE",
  array: "a list",
  "string or array": "TYPE_STRING",
  "string or object": "TYPE_STRING",
};

const d: Dialect = {
  path: (parent, key) => (typeof key === "number" ? `${parent}[${key}]` : `${parent}.${key}`),
  missing: (path) => invalid(`* GenerateContentRequest.${path}: ${path} is not specified`, path),
  type: (path, expected, got) =>
    expected === "array" || expected === "object"
      ? invalid(
          `Invalid JSON payload received. '${path}' must be ${expected === "array" ? "a list" : "an object"}, not ${typeName(got)}.`,
          path,
        )
      : invalid(`Invalid value at '${path}' (${PROTO_TYPES[expected]}), ${shown(got)}`, path),
  oneOf: (path, got, allowed) =>
    path.endsWith(".role")
      ? invalid(`Please use a valid role: ${allowed.join(", ")}.`, path)
      : invalid(`Invalid value at '${path}', "${shown(got)}": use one of ${allowed.join(", ")}.`, path),
  range: (path, got, { min, max }) =>
    invalid(
      `* GenerateContentRequest.${path}: ${got} is out of range; it must be ${min !== undefined && got < min ? `at least ${min}` : `at most ${max}`}.`,
      path,
    ),
  empty: (path) => invalid(`* GenerateContentRequest.${path}: ${path} must not be empty.`, path),
};

const INT32_MAX = 2_147_483_647;
const ROLES = ["user", "model"] as const;

/** A field by its lowerCamel name or its snake_case one (the REST API takes both). */
function field(obj: Json, camel: string, snake: string): unknown {
  const value = obj[camel];
  return value === undefined ? obj[snake] : value;
}

/** generateContent and streamGenerateContent. `prefix` names the body when it sits inside countTokens' request. */
export function validateGenerateContentRequest(body: Json, prefix = ""): void {
  const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const contents = body.contents;
  if (contents === undefined || contents === null) throw d.missing(at("contents"));
  if (!Array.isArray(contents)) throw d.type(at("contents"), "array", contents);
  if (contents.length === 0) throw d.empty(at("contents"));
  for (let i = 0; i < contents.length; i++) checkContent(contents[i], `${at("contents")}[${i}]`);

  const system = field(body, "systemInstruction", "system_instruction");
  if (system !== undefined && system !== null) checkContent(system, at("systemInstruction"));
  const config = field(body, "generationConfig", "generation_config");
  if (config !== undefined && config !== null) checkGenerationConfig(config, at("generationConfig"));
  const tools = body.tools;
  if (optArray(d, tools, prefix, "tools")) {
    for (let i = 0; i < tools.length; i++) checkTool(tools[i], `${at("tools")}[${i}]`);
  }
  optObject(d, field(body, "toolConfig", "tool_config"), prefix, "toolConfig");
  optArray(d, field(body, "safetySettings", "safety_settings"), prefix, "safetySettings");
  optString(d, field(body, "cachedContent", "cached_content"), prefix, "cachedContent");
}

/** countTokens: `{contents}` or `{generateContentRequest: {...}}`. */
export function validateCountTokensRequest(body: Json): void {
  const wrapped = field(body, "generateContentRequest", "generate_content_request");
  if (wrapped === undefined || wrapped === null) return validateGenerateContentRequest(body);
  if (!isRecord(wrapped)) throw d.type("generateContentRequest", "object", wrapped);
  validateGenerateContentRequest(wrapped, "generateContentRequest");
}

function checkContent(content: unknown, at: string): void {
  if (!isRecord(content)) throw d.type(at, "object", content);
  if (content.role !== "") optOneOf(d, content.role, at, "role", ROLES);
  const parts = content.parts;
  if (parts === undefined || parts === null) throw d.missing(`${at}.parts`);
  if (!Array.isArray(parts)) throw d.type(`${at}.parts`, "array", parts);
  if (parts.length === 0) throw d.empty(`${at}.parts`);
  for (let j = 0; j < parts.length; j++) checkPart(parts[j], `${at}.parts[${j}]`);
}

function needString(obj: Json, camel: string, snake: string, at: string): void {
  const value = field(obj, camel, snake);
  if (value === undefined || value === null) throw d.missing(`${at}.${camel}`);
  if (typeof value !== "string") throw d.type(`${at}.${camel}`, "string", value);
}

function checkPart(part: unknown, at: string): void {
  if (!isRecord(part)) throw d.type(at, "object", part);
  optString(d, part.text, at, "text");
  optBoolean(d, part.thought, at, "thought");
  optString(d, field(part, "thoughtSignature", "thought_signature"), at, "thoughtSignature");
  const inline = field(part, "inlineData", "inline_data");
  if (inline !== undefined && inline !== null) {
    if (!isRecord(inline)) throw d.type(`${at}.inlineData`, "object", inline);
    needString(inline, "data", "data", `${at}.inlineData`);
    needString(inline, "mimeType", "mime_type", `${at}.inlineData`);
  }
  const file = field(part, "fileData", "file_data");
  if (file !== undefined && file !== null) {
    if (!isRecord(file)) throw d.type(`${at}.fileData`, "object", file);
    needString(file, "fileUri", "file_uri", `${at}.fileData`);
  }
  const call = field(part, "functionCall", "function_call");
  if (call !== undefined && call !== null) {
    if (!isRecord(call)) throw d.type(`${at}.functionCall`, "object", call);
    needString(call, "name", "name", `${at}.functionCall`);
    optObject(d, call.args, `${at}.functionCall`, "args");
  }
  const response = field(part, "functionResponse", "function_response");
  if (response !== undefined && response !== null) {
    if (!isRecord(response)) throw d.type(`${at}.functionResponse`, "object", response);
    needString(response, "name", "name", `${at}.functionResponse`);
    optObject(d, response.response, `${at}.functionResponse`, "response");
  }
}

function checkGenerationConfig(config: unknown, at: string): void {
  if (!isRecord(config)) throw d.type(at, "object", config);
  optNumber(d, field(config, "maxOutputTokens", "max_output_tokens"), at, "maxOutputTokens", { min: 1, max: INT32_MAX, integer: true });
  optNumber(d, config.temperature, at, "temperature", { min: 0, max: 2 });
  optNumber(d, field(config, "topP", "top_p"), at, "topP", { min: 0, max: 1 });
  optNumber(d, field(config, "topK", "top_k"), at, "topK", { min: 0, max: INT32_MAX, integer: true });
  optNumber(d, field(config, "candidateCount", "candidate_count"), at, "candidateCount", { min: 1, max: INT32_MAX, integer: true });
  optNumber(d, config.seed, at, "seed", { integer: true });
  optStrings(d, field(config, "stopSequences", "stop_sequences"), at, "stopSequences", false);
  optString(d, field(config, "responseMimeType", "response_mime_type"), at, "responseMimeType");
  const thinking = field(config, "thinkingConfig", "thinking_config");
  if (thinking !== undefined && thinking !== null) {
    if (!isRecord(thinking)) throw d.type(`${at}.thinkingConfig`, "object", thinking);
    optNumber(d, field(thinking, "thinkingBudget", "thinking_budget"), `${at}.thinkingConfig`, "thinkingBudget", {
      min: -1,
      max: INT32_MAX,
      integer: true,
    });
    optBoolean(d, field(thinking, "includeThoughts", "include_thoughts"), `${at}.thinkingConfig`, "includeThoughts");
  }
}

function checkTool(tool: unknown, at: string): void {
  if (!isRecord(tool)) throw d.type(at, "object", tool);
  const declarations = field(tool, "functionDeclarations", "function_declarations");
  if (!optArray(d, declarations, at, "functionDeclarations")) return;
  for (let i = 0; i < declarations.length; i++) {
    const fn = declarations[i];
    const fnAt = `${at}.functionDeclarations[${i}]`;
    if (!isRecord(fn)) throw d.type(fnAt, "object", fn);
    needString(fn, "name", "name", fnAt);
    optString(d, fn.description, fnAt, "description");
  }
}
