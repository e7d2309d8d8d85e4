// CanonicalRequest -> an Anthropic Messages request body, listing what Anthropic cannot express.
import type { CanonicalRequest, Message, ToolChoice } from "../../canonical/request.ts";
import { assertNever } from "../../canonical/response.ts";
import type { EncodedRequest } from "../types.ts";
import { encodeMessageBlocks, type ContentEncodeContext } from "./content-encode.ts";
import { encodeThinking } from "./reasoning.ts";
import { CONTENT_EXTRA_KEY, FORMAT_ID, contentExtras, isRecord, toolExtras, type Json, type ToolExtra } from "./wire.ts";

/** Extra keys this encoder maps itself; every other same-format extra key is passed through as a body field. */
const MAPPED_EXTRA = new Set([CONTENT_EXTRA_KEY, "tools", "thinking", "output_config", "metadata", "tool_choice"]);

export function encodeRequest(req: CanonicalRequest): EncodedRequest {
  const dropped = new Set<string>();
  const same = req.extraFormat === FORMAT_ID;
  const extra = req.extra ?? {};
  if (!same) for (const key of Object.keys(extra)) dropped.add(key);

  const ctx: ContentEncodeContext = { extras: same ? contentExtras(extra) : [], dropped };
  const { system, messages } = encodeMessages(req.messages, ctx);
  const effortIsAnthropic = same && isRecord(extra.output_config) && extra.output_config.effort != null;
  const thinking = encodeThinking(req, same && isRecord(extra.thinking) ? extra.thinking : undefined, effortIsAnthropic);
  for (const d of thinking.dropped) dropped.add(d);

  const body: Json = { model: req.model, max_tokens: thinking.maxTokens };
  if (system !== undefined) body.system = system;
  body.messages = messages;
  if (thinking.thinking) body.thinking = thinking.thinking;
  encodeSampling(req, body, thinking.thinking, dropped);
  if (req.stop && req.stop.length > 0) body.stop_sequences = req.stop;
  if (req.stream) body.stream = true;

  const tools = encodeTools(req, same ? toolExtras(extra) : []);
  if (tools.length > 0) {
    body.tools = tools;
    const choice = encodeToolChoice(req.toolChoice, req.parallelToolCalls);
    if (choice) body.tool_choice = choice;
    else if (same && isRecord(extra.tool_choice)) body.tool_choice = extra.tool_choice;
  } else if (req.toolChoice && req.toolChoice.type !== "none" && req.toolChoice.type !== "auto") {
    dropped.add("toolChoice");
  }

  const outputConfig: Json = same && isRecord(extra.output_config) ? { ...extra.output_config } : {};
  const format = req.responseFormat;
  // Native structured outputs: the installed SDK types have output_config.format {type:"json_schema", schema}.
  if (format?.type === "json_schema") outputConfig.format = { type: "json_schema", schema: format.schema };
  else if (format?.type === "json_object") dropped.add("responseFormat");
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;

  const metadata: Json = same && isRecord(extra.metadata) ? { ...extra.metadata } : {};
  if (req.user !== undefined) metadata.user_id = req.user;
  if (Object.keys(metadata).length > 0) body.metadata = metadata;

  if (req.seed !== undefined) dropped.add("seed");
  if (req.presencePenalty !== undefined) dropped.add("presencePenalty");
  if (req.frequencyPenalty !== undefined) dropped.add("frequencyPenalty");

  if (same) {
    for (const [key, value] of Object.entries(extra)) if (!MAPPED_EXTRA.has(key) && !(key in body)) body[key] = value;
  }
  return { body, dropped: [...dropped] };
}

/**
 * System turns are hoisted, in order, into `system`; user and assistant turns are merged when
 * consecutive (Anthropic wants alternation) and a user turn carries its tool_result blocks first.
 */
function encodeMessages(messages: Message[], ctx: ContentEncodeContext): { system?: string | Json[]; messages: Json[] } {
  const systemBlocks: Json[] = [];
  const turns: Array<{ role: "user" | "assistant"; content: Json[] }> = [];
  messages.forEach((message, index) => {
    const blocks = encodeMessageBlocks(message, index, ctx);
    if (message.role === "system") {
      for (const block of blocks) {
        if (block.type === "text") systemBlocks.push(block);
        else ctx.dropped.add(`system.${String(block.type)}`);
      }
      return;
    }
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === message.role) last.content.push(...blocks);
    else turns.push({ role: message.role, content: blocks });
  });
  const wire = turns.map((turn) => {
    if (turn.role !== "user") return turn;
    const results = turn.content.filter((b) => b.type === "tool_result");
    if (results.length === 0) return turn;
    return { role: turn.role, content: [...results, ...turn.content.filter((b) => b.type !== "tool_result")] };
  });
  let system: string | Json[] | undefined;
  if (systemBlocks.length === 1 && Object.keys(systemBlocks[0]).length === 2) system = String(systemBlocks[0].text);
  else if (systemBlocks.length > 0) system = systemBlocks;
  return { system, messages: wire };
}

/**
 * With thinking on, Anthropic rejects a temperature other than 1, any top_k, and a top_p below 0.95:
 * those are left out (and reported) rather than failing the request.
 */
function encodeSampling(req: CanonicalRequest, body: Json, thinking: Json | undefined, dropped: Set<string>): void {
  const thinkingOn = thinking !== undefined && thinking.type !== "disabled";
  if (req.temperature !== undefined) {
    if (thinkingOn && req.temperature !== 1) dropped.add("temperature");
    else body.temperature = req.temperature;
  }
  if (req.topP !== undefined) {
    if (thinkingOn && req.topP < 0.95) dropped.add("topP");
    else body.top_p = req.topP;
  }
  if (req.topK !== undefined) {
    if (thinkingOn) dropped.add("topK");
    else body.top_k = req.topK;
  }
}

/** Custom tools from canonical, with same-format server tools re-inserted and kept fields merged back. */
function encodeTools(req: CanonicalRequest, extras: ToolExtra[]): Json[] {
  const defs = req.tools ?? [];
  const out: Json[] = [];
  for (let k = 0; k <= defs.length; k++) {
    for (const e of extras) if (e.tool && e.index === k) out.push(e.tool);
    const def = defs[k];
    if (!def) continue;
    const params = def.parameters;
    const tool: Json = { name: def.name };
    if (def.description !== undefined) tool.description = def.description;
    // Anthropic requires an object schema; a tool with no parameters (`{}`) takes none.
    tool.input_schema = params.type !== undefined ? params : { type: "object", properties: {}, ...params };
    if (def.strict !== undefined) tool.strict = def.strict;
    for (const e of extras) if (e.fields && e.index === k) Object.assign(tool, e.fields);
    out.push(tool);
  }
  return out;
}

function encodeToolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): Json | undefined {
  let out: Json | undefined;
  if (choice) {
    switch (choice.type) {
      case "auto":
        out = { type: "auto" };
        break;
      case "none":
        return { type: "none" };
      case "required":
        out = { type: "any" };
        break;
      case "tool":
        out = { type: "tool", name: choice.name };
        break;
      default:
        return assertNever(choice, "tool choice");
    }
  }
  if (parallel === false) return { ...(out ?? { type: "auto" }), disable_parallel_tool_use: true };
  if (parallel === true && out) return { ...out, disable_parallel_tool_use: false };
  return out;
}
