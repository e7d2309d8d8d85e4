// Ingress driver for Anthropic Messages through the official `@anthropic-ai/sdk` (create, and stream().finalMessage()).
import Anthropic from "@anthropic-ai/sdk";
import { anthropicError } from "./errors.ts";
import { emptyTurn, type Ask, type Driver, type ToolOutput, type Turn } from "./types.ts";

function userMessage(ask: Ask): any {
  if (!ask.image) return { role: "user", content: ask.prompt };
  return {
    role: "user",
    content: [
      { type: "text", text: ask.prompt },
      { type: "image", source: { type: "base64", media_type: ask.image.mediaType, data: ask.image.data } },
    ],
  };
}

function baseParams(ask: Ask): any {
  return {
    model: ask.model,
    max_tokens: ask.thinking ? 2048 : 256,
    ...(ask.system ? { system: ask.system } : {}),
    ...(ask.tools ? { tools: ask.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) } : {}),
    ...(ask.thinking ? { thinking: { type: "enabled", budget_tokens: 1024 } } : {}),
  };
}

function toTurn(message: any): Turn {
  const blocks: any[] = message?.content ?? [];
  const thinking = blocks.filter((b) => b.type === "thinking");
  return {
    text: blocks
      .filter((b) => b.type === "text")
      .map((b) => b.text)
      .join(""),
    thinking: thinking.map((b) => b.thinking).join(""),
    thinkingSignature: thinking.length ? thinking.map((b) => b.signature).join("") : undefined,
    toolCalls: blocks.filter((b) => b.type === "tool_use").map((b) => ({ id: b.id, name: b.name, args: b.input })),
    // Anthropic's input_tokens leaves out the cached parts: the whole prompt is the sum of the three.
    usage: message?.usage
      ? {
          input:
            message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0) + (message.usage.cache_creation_input_tokens ?? 0),
          output: message.usage.output_tokens,
          cached: message.usage.cache_read_input_tokens ?? 0,
          reasoning: message.usage.output_tokens_details?.thinking_tokens ?? undefined,
        }
      : undefined,
    finish: message?.stop_reason ?? undefined,
    raw: message,
  };
}

export function anthropicDriver(baseURL: string, apiKey: string): Driver {
  const client = new Anthropic({ baseURL, apiKey, maxRetries: 0, timeout: 15_000 });

  async function run(params: any, stream: boolean): Promise<Turn> {
    try {
      if (!stream) return toTurn(await client.messages.create({ ...params, stream: false }));
      return toTurn(await client.messages.stream(params).finalMessage());
    } catch (err) {
      return { ...emptyTurn(err), error: anthropicError(err) };
    }
  }

  return {
    format: "anthropic",
    finish: { text: "end_turn", tools: "tool_use", length: "max_tokens" },
    hasThinkingSignature: true,
    send: (ask) => run({ ...baseParams(ask), messages: [userMessage(ask)] }, ask.stream),
    sendToolResults(ask: Ask, previous: Turn, outputs: ToolOutput[]) {
      const messages = [
        userMessage(ask),
        { role: "assistant", content: (previous.raw as any).content },
        { role: "user", content: outputs.map((o) => ({ type: "tool_result", tool_use_id: o.callId, content: o.output })) },
      ];
      return run({ ...baseParams(ask), messages }, ask.stream);
    },
    sendFollowUp(ask: Ask, previous: Turn, prompt: string) {
      const messages = [userMessage(ask), { role: "assistant", content: (previous.raw as any).content }, { role: "user", content: prompt }];
      return run({ ...baseParams(ask), messages }, ask.stream);
    },
  };
}
