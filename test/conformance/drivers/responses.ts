// Ingress driver for OpenAI Responses through the official `openai` SDK (responses.create, and responses.stream().finalResponse()).
import OpenAI from "openai";
import { openaiError } from "./errors.ts";
import { emptyTurn, parseArgs, type Ask, type Driver, type ToolOutput, type Turn } from "./types.ts";

function userItem(ask: Ask): any {
  const content: any[] = [{ type: "input_text", text: ask.prompt }];
  if (ask.image) content.push({ type: "input_image", detail: "auto", image_url: `data:${ask.image.mediaType};base64,${ask.image.data}` });
  return { type: "message", role: "user", content };
}

function baseParams(ask: Ask): any {
  return {
    model: ask.model,
    max_output_tokens: ask.thinking ? 4096 : 256,
    store: ask.store ?? false,
    ...(ask.system ? { instructions: ask.system } : {}),
    ...(ask.tools
      ? {
          tools: ask.tools.map((t) => ({
            type: "function",
            name: t.name,
            description: t.description,
            parameters: t.parameters,
            strict: false,
          })),
        }
      : {}),
    ...(ask.thinking ? { reasoning: { effort: "low", summary: "auto" }, include: ["reasoning.encrypted_content"] } : {}),
  };
}

function toTurn(response: any): Turn {
  const output: any[] = response?.output ?? [];
  // A stream that fails after it started ends in response.failed: the error rides in response.error {code, message}.
  const failed =
    response?.status === "failed"
      ? {
          type: response.error?.code,
          message: String(response.error?.message ?? "response failed"),
          shaped: typeof response.error?.message === "string" && typeof response.error?.code === "string",
          raw: response.error,
        }
      : undefined;
  return {
    ...(failed ? { error: failed } : {}),
    text: output
      .filter((i) => i.type === "message")
      .flatMap((i) => i.content ?? [])
      .filter((c: any) => c.type === "output_text")
      .map((c: any) => c.text)
      .join(""),
    thinking: output
      .filter((i) => i.type === "reasoning")
      .flatMap((i) => i.summary ?? [])
      .map((s: any) => s.text)
      .join(""),
    toolCalls: output.filter((i) => i.type === "function_call").map((i) => ({ id: i.call_id, name: i.name, args: parseArgs(i.arguments) })),
    usage: response?.usage
      ? {
          input: response.usage.input_tokens,
          output: response.usage.output_tokens,
          cached: response.usage.input_tokens_details?.cached_tokens ?? 0,
          reasoning: response.usage.output_tokens_details?.reasoning_tokens,
        }
      : undefined,
    finish: response?.status ?? undefined,
    raw: response,
  };
}

export function responsesDriver(baseURL: string, apiKey: string): Driver {
  const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey, maxRetries: 0, timeout: 15_000 });

  async function run(params: any, stream: boolean): Promise<Turn> {
    try {
      if (!stream) return toTurn(await client.responses.create({ ...params, stream: false }));
      return toTurn(await client.responses.stream(params).finalResponse());
    } catch (err) {
      return { ...emptyTurn(err), error: openaiError(err) };
    }
  }

  return {
    format: "responses",
    // A Responses answer has no per-turn finish reason: a finished turn (text or tool calls) is status "completed".
    finish: { text: "completed", tools: "completed", length: "incomplete" },
    hasThinkingSignature: false,
    send: (ask) => run({ ...baseParams(ask), input: [userItem(ask)] }, ask.stream),
    sendToolResults(ask: Ask, previous: Turn, outputs: ToolOutput[]) {
      const input = [
        userItem(ask),
        ...(previous.raw as any).output,
        ...outputs.map((o) => ({ type: "function_call_output", call_id: o.callId, output: o.output })),
      ];
      return run({ ...baseParams(ask), input }, ask.stream);
    },
    sendWithPrevious(ask: Ask, previous: Turn, prompt: string) {
      const input = [userItem({ ...ask, prompt, image: undefined })];
      return run({ ...baseParams(ask), previous_response_id: (previous.raw as any).id, input }, ask.stream);
    },
    sendWithReferences(ask: Ask, previous: Turn, prompt: string) {
      const references = (previous.raw as any).output.map((item: any) => ({ type: "item_reference", id: item.id }));
      const input = [userItem(ask), ...references, userItem({ ...ask, prompt, image: undefined })];
      return run({ ...baseParams(ask), input }, ask.stream);
    },
    sendFollowUp(ask: Ask, previous: Turn, prompt: string) {
      const input = [userItem(ask), ...(previous.raw as any).output, userItem({ ...ask, prompt, image: undefined })];
      return run({ ...baseParams(ask), input }, ask.stream);
    },
  };
}
