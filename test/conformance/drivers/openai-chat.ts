// Ingress driver for OpenAI Chat Completions through the official `openai` SDK (create, and stream().finalChatCompletion()).
import OpenAI from "openai";
import { openaiError } from "./errors.ts";
import { emptyTurn, parseArgs, type Ask, type Driver, type ToolOutput, type Turn } from "./types.ts";

function userMessage(ask: Ask): any {
  if (!ask.image) return { role: "user", content: ask.prompt };
  return {
    role: "user",
    content: [
      { type: "text", text: ask.prompt },
      { type: "image_url", image_url: { url: `data:${ask.image.mediaType};base64,${ask.image.data}` } },
    ],
  };
}

function baseParams(ask: Ask): any {
  return {
    model: ask.model,
    max_tokens: ask.thinking ? 4096 : 256,
    ...(ask.tools ? { tools: ask.tools.map((t) => ({ type: "function", function: t })) } : {}),
    ...(ask.thinking ? { reasoning_effort: "low" } : {}),
  };
}

function firstMessages(ask: Ask): any[] {
  return [...(ask.system ? [{ role: "system", content: ask.system }] : []), userMessage(ask)];
}

/** The SDK types do not declare `reasoning_content`: read it from the raw message. */
function toTurn(completion: any, streamedReasoning?: string): Turn {
  const choice = completion?.choices?.[0];
  const message = choice?.message ?? {};
  return {
    text: message.content ?? "",
    thinking: streamedReasoning ?? message.reasoning_content ?? "",
    toolCalls: (message.tool_calls ?? []).map((c: any) => ({ id: c.id, name: c.function?.name, args: parseArgs(c.function?.arguments) })),
    usage: completion?.usage
      ? {
          input: completion.usage.prompt_tokens,
          output: completion.usage.completion_tokens,
          cached: completion.usage.prompt_tokens_details?.cached_tokens ?? 0,
          reasoning: completion.usage.completion_tokens_details?.reasoning_tokens,
        }
      : undefined,
    finish: choice?.finish_reason ?? undefined,
    raw: completion,
  };
}

export function openaiChatDriver(baseURL: string, apiKey: string): Driver {
  const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey, maxRetries: 0, timeout: 15_000 });

  async function run(params: any, stream: boolean): Promise<Turn> {
    try {
      if (!stream) return toTurn(await client.chat.completions.create({ ...params, stream: false }));
      let reasoning = "";
      const s = client.chat.completions.stream({ ...params, stream: true, stream_options: { include_usage: true } });
      // The stream helper keeps only the last reasoning_content delta (it is not a declared field): collect the raw chunks.
      s.on("chunk", (chunk: any) => {
        reasoning += chunk.choices?.[0]?.delta?.reasoning_content ?? "";
      });
      return toTurn(await s.finalChatCompletion(), reasoning);
    } catch (err) {
      return { ...emptyTurn(err), error: openaiError(err) };
    }
  }

  return {
    format: "openai-chat",
    finish: { text: "stop", tools: "tool_calls", length: "length" },
    hasThinkingSignature: false,
    send: (ask) => run({ ...baseParams(ask), messages: firstMessages(ask) }, ask.stream),
    sendToolResults(ask: Ask, previous: Turn, outputs: ToolOutput[]) {
      const assistant = (previous.raw as any).choices[0].message;
      const messages = [
        ...firstMessages(ask),
        { role: "assistant", content: assistant.content ?? null, tool_calls: assistant.tool_calls },
        ...outputs.map((o) => ({ role: "tool", tool_call_id: o.callId, content: o.output })),
      ];
      return run({ ...baseParams(ask), messages }, ask.stream);
    },
    sendFollowUp(ask: Ask, previous: Turn, prompt: string) {
      const assistant = (previous.raw as any).choices[0].message;
      const messages = [...firstMessages(ask), { role: "assistant", content: assistant.content }, { role: "user", content: prompt }];
      return run({ ...baseParams(ask), messages }, ask.stream);
    },
  };
}
