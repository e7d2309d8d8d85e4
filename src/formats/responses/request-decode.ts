// A client's POST /v1/responses body as a canonical request; fields with no canonical slot go to `extra`.
import { GatewayError } from "../../canonical/errors.ts";
import type {
  CanonicalRequest,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "../../canonical/request.ts";
import type { RouteHints } from "../types.ts";
import { decodeInput } from "./input-decode.ts";
import { isRecord, num, str, type Json } from "./wire.ts";

function bad(message: string, param: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}

/** Fields read into canonical slots; every other field of the body is kept in `extra`. */
const MAPPED = new Set([
  "model",
  "input",
  "instructions",
  "stream",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "max_output_tokens",
  "temperature",
  "top_p",
  "reasoning",
  "text",
  "user",
]);

const EFFORTS: ReadonlySet<string> = new Set<ReasoningEffort>(["minimal", "low", "medium", "high"]);

function decodeTools(tools: unknown, extra: Json): ToolDefinition[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw bad("tools must be an array.", "tools");
  const functions: ToolDefinition[] = [];
  const others: unknown[] = [];
  tools.forEach((tool, i) => {
    if (!isRecord(tool)) throw bad("Each tool must be an object.", `tools[${i}]`);
    if (tool.type !== "function") {
      others.push(tool);
      return;
    }
    const name = str(tool.name);
    if (!name) throw bad("A function tool needs a name.", `tools[${i}].name`);
    const def: ToolDefinition = { name, parameters: isRecord(tool.parameters) ? tool.parameters : { type: "object", properties: {} } };
    const description = str(tool.description);
    if (description) def.description = description;
    if (typeof tool.strict === "boolean") def.strict = tool.strict;
    functions.push(def);
  });
  // Hosted tools (web_search, file_search, ...), custom (free-form) tools, local_shell...: only a
  // Responses upstream can take them, so they wait in `extra` and are reported as dropped elsewhere.
  if (others.length) extra.tools = others;
  return functions.length ? functions : undefined;
}

function decodeToolChoice(choice: unknown, extra: Json): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto" || choice === "none" || choice === "required") return { type: choice };
  if (isRecord(choice) && choice.type === "function" && str(choice.name)) return { type: "tool", name: str(choice.name)! };
  if (typeof choice === "string") throw bad(`tool_choice ${JSON.stringify(choice)} is not one of auto, none, required.`, "tool_choice");
  extra.tool_choice = choice; // allowed_tools, hosted tool types, custom tools, mcp
  return undefined;
}

function decodeReasoning(reasoning: unknown, extra: Json): ReasoningConfig | undefined {
  if (reasoning === undefined || reasoning === null) return undefined;
  if (!isRecord(reasoning)) throw bad("reasoning must be an object.", "reasoning");
  const { effort, ...rest } = reasoning;
  const kept: Json = { ...rest };
  let config: ReasoningConfig | undefined;
  if (effort === "none") config = { enabled: false };
  else if (typeof effort === "string" && EFFORTS.has(effort)) config = { enabled: true, effort: effort as ReasoningEffort };
  else if (effort === "xhigh" || effort === "max") {
    // Beyond the canonical scale: "high" for other formats, the exact value kept for a Responses upstream.
    config = { enabled: true, effort: "high" };
    kept.effort = effort;
  } else if (effort !== undefined && effort !== null) kept.effort = effort;
  if (Object.keys(kept).length) extra.reasoning = kept;
  return config;
}

function decodeTextConfig(text: unknown, extra: Json): ResponseFormat | undefined {
  if (text === undefined || text === null) return undefined;
  if (!isRecord(text)) throw bad("text must be an object.", "text");
  const { format, ...rest } = text;
  if (Object.keys(rest).length) extra.text = rest; // verbosity
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format)) throw bad("text.format must be an object.", "text.format");
  if (format.type === "text") return { type: "text" };
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type === "json_schema") {
    const name = str(format.name);
    if (!name) throw bad("text.format.name is required for json_schema.", "text.format.name");
    if (!isRecord(format.schema)) throw bad("text.format.schema must be a JSON Schema object.", "text.format.schema");
    const out: ResponseFormat = { type: "json_schema", name, schema: format.schema };
    if (typeof format.strict === "boolean") out.strict = format.strict;
    const description = str(format.description);
    if (description) out.description = description;
    return out;
  }
  throw bad(`text.format.type ${JSON.stringify(format.type)} is not one of text, json_object, json_schema.`, "text.format.type");
}

function optionalNumber(body: Json, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  const n = num(v);
  if (n === undefined) throw bad(`${key} must be a number.`, key);
  return n;
}

/** Refuses the fields that point at state kept by OpenAI, which a stateless gateway cannot honour. */
export function refuseServerState(body: Json): void {
  if (body.previous_response_id !== undefined && body.previous_response_id !== null) {
    throw bad(
      "previous_response_id could not be resolved here: the gateway resolves it from the responses it kept before the request is translated. Send the whole conversation in `input` (earlier output items included) instead.",
      "previous_response_id",
    );
  }
  if (body.conversation !== undefined && body.conversation !== null) {
    throw bad(
      "conversation is not supported: this gateway is stateless and keeps no conversations. Send the whole conversation in `input` instead.",
      "conversation",
    );
  }
}

export function decodeRequest(body: unknown, hints?: RouteHints): CanonicalRequest {
  if (!isRecord(body)) throw bad("The request body must be a JSON object.", "body");
  refuseServerState(body);
  const model = str(body.model) ?? hints?.model;
  if (!model) throw bad("model is required.", "model");

  const extra: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (!MAPPED.has(key) && key !== "previous_response_id" && key !== "conversation" && value !== undefined) extra[key] = value;
  }

  const messages = decodeInput(body.input);
  if (body.instructions !== undefined && body.instructions !== null) {
    const instructions = str(body.instructions);
    if (instructions === undefined) throw bad("instructions must be a string.", "instructions");
    if (instructions) messages.unshift({ role: "system", content: [{ type: "text", text: instructions }] });
  }
  if (!messages.length) throw bad("input is required: a string or a non-empty array of input items.", "input");

  const req: CanonicalRequest = {
    model,
    messages,
    stream: typeof body.stream === "boolean" ? body.stream : (hints?.stream ?? false),
    extra,
    extraFormat: "responses",
  };
  const tools = decodeTools(body.tools, extra);
  if (tools) req.tools = tools;
  const toolChoice = decodeToolChoice(body.tool_choice, extra);
  if (toolChoice) req.toolChoice = toolChoice;
  if (typeof body.parallel_tool_calls === "boolean") req.parallelToolCalls = body.parallel_tool_calls;
  const maxTokens = optionalNumber(body, "max_output_tokens");
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = optionalNumber(body, "temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optionalNumber(body, "top_p");
  if (topP !== undefined) req.topP = topP;
  const reasoning = decodeReasoning(body.reasoning, extra);
  if (reasoning) req.reasoning = reasoning;
  const responseFormat = decodeTextConfig(body.text, extra);
  if (responseFormat) req.responseFormat = responseFormat;
  const user = str(body.user);
  if (user) req.user = user;
  return req;
}
