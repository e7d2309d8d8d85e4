// What the edge check costs each request: the depth walk and each format's shape check, timed on the bench's small
// body and on a large realistic agent request, beside the JSON.parse every request pays anyway.
// Run: bun test/bench/edge-check.ts
import { nestsDeeperThan, MAX_JSON_DEPTH } from "../../src/formats/json-depth.ts";
import { validateChatRequest } from "../../src/formats/openai-chat/validate.ts";
import { validateMessagesRequest } from "../../src/formats/anthropic/validate.ts";
import { validateResponsesRequest } from "../../src/formats/responses/validate.ts";
import { validateGenerateContentRequest } from "../../src/formats/gemini/validate.ts";

const SCHEMA = {
  type: "object",
  properties: { path: { type: "string", description: "file path" }, lines: { type: "array", items: { type: "integer" } } },
  required: ["path"],
};
const TEXT = "Read the file, then apply the patch below and run the tests again. ".repeat(40);

/** A Claude Code-sized conversation: `turns` tool round trips over 20 tools, in each format. */
function agentBodies(turns: number) {
  const tools = Array.from({ length: 20 }, (_, i) => ({ name: `tool_${i}`, description: TEXT.slice(0, 200), schema: SCHEMA }));
  const anthropic = {
    model: "cc/claude-sonnet-4-5",
    max_tokens: 32_000,
    stream: true,
    system: [{ type: "text", text: TEXT }],
    tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.schema })),
    messages: Array.from({ length: turns }, (_, i) => [
      {
        role: "user",
        content: i === 0 ? [{ type: "text", text: TEXT }] : [{ type: "tool_result", tool_use_id: `t${i - 1}`, content: TEXT }],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Running it." },
          { type: "tool_use", id: `t${i}`, name: "tool_1", input: { path: "src/a.ts", lines: [1, 2, 3] } },
        ],
      },
    ])
      .flat()
      .concat([{ role: "user", content: [{ type: "text", text: "go on" }] }]),
  };
  const openai = {
    model: "ds/deepseek-chat",
    stream: true,
    max_tokens: 8_000,
    tools: tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.schema } })),
    messages: [
      { role: "system", content: TEXT },
      ...Array.from({ length: turns }, (_, i) => [
        { role: "user", content: TEXT },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: `c${i}`, type: "function", function: { name: "tool_1", arguments: '{"path":"src/a.ts"}' } }],
        },
        { role: "tool", tool_call_id: `c${i}`, content: TEXT },
      ]).flat(),
    ],
  };
  const responses = {
    model: "cx/gpt-5",
    stream: true,
    instructions: TEXT,
    tools: tools.map((t) => ({ type: "function", name: t.name, description: t.description, parameters: t.schema })),
    input: Array.from({ length: turns }, (_, i) => [
      { role: "user", content: [{ type: "input_text", text: TEXT }] },
      { type: "function_call", call_id: `c${i}`, name: "tool_1", arguments: '{"path":"src/a.ts"}' },
      { type: "function_call_output", call_id: `c${i}`, output: TEXT },
    ]).flat(),
  };
  const gemini = {
    systemInstruction: { parts: [{ text: TEXT }] },
    tools: [{ functionDeclarations: tools.map((t) => ({ name: t.name, description: t.description, parameters: t.schema })) }],
    contents: Array.from({ length: turns }, (_, i) => [
      { role: "user", parts: [i === 0 ? { text: TEXT } : { functionResponse: { name: "tool_1", response: { output: TEXT } } }] },
      { role: "model", parts: [{ functionCall: { name: "tool_1", args: { path: "src/a.ts" } } }] },
    ]).flat(),
  };
  return { anthropic, openai, responses, gemini };
}

const SMALL = { model: "ds/deepseek-chat", messages: [{ role: "user", content: "Say hello" }], max_tokens: 64 };

/** Mean ms per call over `minMs`, after as long again of warm-up (so the JIT has compiled the code measured). */
function perCall(fn: () => void, minMs = 300): number {
  const warm = performance.now();
  while (performance.now() - warm < minMs) fn();
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < minMs) {
    fn();
    n++;
  }
  return (performance.now() - started) / n;
}

const rows: string[][] = [];
function row(name: string, text: string, check: (body: Record<string, unknown>) => void) {
  const body = JSON.parse(text) as Record<string, unknown>;
  const parse = perCall(() => JSON.parse(text));
  const depth = perCall(() => nestsDeeperThan(body, MAX_JSON_DEPTH));
  const shape = perCall(() => check(body));
  const us = (ms: number) => `${(ms * 1000).toFixed(2)} µs`;
  rows.push([
    name,
    `${(text.length / 1024).toFixed(1)} KB`,
    us(parse),
    us(depth),
    us(shape),
    `${(((depth + shape) / parse) * 100).toFixed(1)}%`,
  ]);
}

row("OpenAI Chat, the bench's body", JSON.stringify(SMALL), validateChatRequest);
for (const turns of [10, 200]) {
  const b = agentBodies(turns);
  row(`Anthropic, ${turns} tool turns`, JSON.stringify(b.anthropic), validateMessagesRequest);
  row(`OpenAI Chat, ${turns} tool turns`, JSON.stringify(b.openai), validateChatRequest);
  row(`Responses, ${turns} tool turns`, JSON.stringify(b.responses), validateResponsesRequest);
  row(`Gemini, ${turns} tool turns`, JSON.stringify(b.gemini), (body) => validateGenerateContentRequest(body));
}

const header = ["body", "size", "JSON.parse (paid anyway)", "depth walk", "shape check", "check / parse"];
console.log(`| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
