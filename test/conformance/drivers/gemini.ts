// Ingress driver for Gemini through the official `@google/genai` SDK (generateContent, generateContentStream).
import { GoogleGenAI } from "@google/genai";
import { geminiError } from "./errors.ts";
import { emptyTurn, type Ask, type Driver, type ToolOutput, type Turn } from "./types.ts";

function userContent(ask: Ask): any {
  const parts: any[] = [{ text: ask.prompt }];
  if (ask.image) parts.push({ inlineData: { mimeType: ask.image.mediaType, data: ask.image.data } });
  return { role: "user", parts };
}

function config(ask: Ask): any {
  return {
    maxOutputTokens: ask.thinking ? 2048 : 256,
    ...(ask.system ? { systemInstruction: ask.system } : {}),
    ...(ask.tools
      ? {
          tools: [
            {
              functionDeclarations: ask.tools.map((t) => ({
                name: t.name,
                description: t.description,
                parametersJsonSchema: t.parameters,
              })),
            },
          ],
        }
      : {}),
    ...(ask.thinking ? { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } } : {}),
  };
}

/** A whole answer from its parts (all chunks' parts for a stream), with the final finishReason and usageMetadata. */
function toTurn(parts: any[], finish: string | undefined, usage: any, raw: unknown): Turn {
  const calls = parts.filter((p) => p.functionCall);
  return {
    text: parts
      .filter((p) => typeof p.text === "string" && p.thought !== true)
      .map((p) => p.text)
      .join(""),
    thinking: parts
      .filter((p) => typeof p.text === "string" && p.thought === true)
      .map((p) => p.text)
      .join(""),
    // Gemini ids are optional; a client without one links the result by name.
    toolCalls: calls.map((p) => ({
      id: p.functionCall.id ?? p.functionCall.name,
      name: p.functionCall.name,
      args: p.functionCall.args ?? {},
    })),
    // Gemini's candidatesTokenCount leaves out the thoughts: the whole output is the sum of the two.
    usage: usage
      ? {
          input: usage.promptTokenCount ?? 0,
          output: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
          cached: usage.cachedContentTokenCount ?? 0,
          reasoning: usage.thoughtsTokenCount ?? 0,
        }
      : undefined,
    finish,
    raw: { parts, finishReason: finish, usageMetadata: usage, response: raw },
  };
}

export function geminiDriver(baseURL: string, apiKey: string): Driver {
  const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: baseURL, timeout: 15_000 } });

  async function run(contents: any[], ask: Ask): Promise<Turn> {
    const params = { model: ask.model, contents, config: config(ask) };
    try {
      if (!ask.stream) {
        const res: any = await ai.models.generateContent(params);
        const candidate = res.candidates?.[0];
        return toTurn(candidate?.content?.parts ?? [], candidate?.finishReason, res.usageMetadata, res);
      }
      const parts: any[] = [];
      let finish: string | undefined;
      let usage: any;
      const chunks: any[] = [];
      for await (const chunk of await ai.models.generateContentStream(params)) {
        chunks.push(chunk);
        const candidate: any = chunk.candidates?.[0];
        parts.push(...(candidate?.content?.parts ?? []));
        finish = candidate?.finishReason ?? finish;
        usage = chunk.usageMetadata ?? usage;
      }
      return toTurn(parts, finish, usage, chunks);
    } catch (err) {
      return { ...emptyTurn(err), error: geminiError(err) };
    }
  }

  return {
    format: "gemini",
    // Gemini has no finish reason of its own for tool calls: a turn that calls tools ends with STOP.
    finish: { text: "STOP", tools: "STOP", length: "MAX_TOKENS" },
    hasThinkingSignature: false,
    send: (ask) => run([userContent(ask)], ask),
    sendToolResults(ask: Ask, previous: Turn, outputs: ToolOutput[]) {
      const modelParts = (previous.raw as any).parts.filter((p: any) => !(p.text === "" && !p.thoughtSignature));
      const byId = new Map(previous.toolCalls.map((c) => [c.id, c]));
      const contents = [
        userContent(ask),
        { role: "model", parts: modelParts },
        {
          role: "user",
          parts: outputs.map((o) => {
            const call = (previous.raw as any).parts.find(
              (p: any) => p.functionCall && (p.functionCall.id ?? p.functionCall.name) === o.callId,
            )?.functionCall;
            return {
              functionResponse: {
                ...(call?.id ? { id: call.id } : {}),
                name: byId.get(o.callId)?.name ?? o.name,
                response: { result: o.output },
              },
            };
          }),
        },
      ];
      return run(contents, ask);
    },
    sendFollowUp(ask: Ask, previous: Turn, prompt: string) {
      const modelParts = (previous.raw as any).parts.filter((p: any) => !(p.text === "" && !p.thoughtSignature));
      return run([userContent(ask), { role: "model", parts: modelParts }, { role: "user", parts: [{ text: prompt }] }], ask);
    },
  };
}
