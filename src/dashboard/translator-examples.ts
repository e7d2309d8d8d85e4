// Example client requests, one per wire format, for the Translator playground's "Load example".
import type { FormatId } from "../formats/types.ts";

export const FORMAT_LABELS: Record<FormatId, string> = {
  "openai-chat": "OpenAI Chat Completions",
  anthropic: "Anthropic Messages",
  responses: "OpenAI Responses",
  gemini: "Google Gemini",
};

export const FORMAT_IDS = Object.keys(FORMAT_LABELS) as FormatId[];

const weatherSchema = {
  type: "object",
  properties: { city: { type: "string", description: "City name" } },
  required: ["city"],
};

/** Realistic bodies as each format's official SDK sends them. Gemini names its model in the URL, so it has one beside the body. */
export const EXAMPLES: Record<FormatId, { model?: string; body: Record<string, unknown> }> = {
  "openai-chat": {
    body: {
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "You are a concise weather assistant." },
        { role: "user", content: "Do I need an umbrella in Paris today?" },
      ],
      tools: [
        { type: "function", function: { name: "get_weather", description: "Current weather for a city", parameters: weatherSchema } },
      ],
      tool_choice: "auto",
      max_tokens: 300,
      temperature: 0.2,
    },
  },
  anthropic: {
    body: {
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      system: "You are a concise weather assistant.",
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [{ role: "user", content: "Do I need an umbrella in Paris today?" }],
      tools: [{ name: "get_weather", description: "Current weather for a city", input_schema: weatherSchema }],
    },
  },
  responses: {
    body: {
      model: "gpt-5-mini",
      instructions: "You are a concise weather assistant.",
      input: [{ role: "user", content: [{ type: "input_text", text: "Do I need an umbrella in Paris today?" }] }],
      tools: [
        { type: "function", name: "get_weather", description: "Current weather for a city", parameters: weatherSchema, strict: false },
      ],
      reasoning: { effort: "low" },
      max_output_tokens: 1024,
    },
  },
  gemini: {
    model: "gemini-2.5-flash",
    body: {
      systemInstruction: { parts: [{ text: "You are a concise weather assistant." }] },
      contents: [{ role: "user", parts: [{ text: "Do I need an umbrella in Paris today?" }] }],
      tools: [{ functionDeclarations: [{ name: "get_weather", description: "Current weather for a city", parameters: weatherSchema }] }],
      generationConfig: { maxOutputTokens: 1024, temperature: 0.2, thinkingConfig: { thinkingBudget: 512 } },
    },
  },
};

/** The path a client of each format calls (Gemini's carries the model). */
export function clientPath(format: FormatId, model: string): string {
  switch (format) {
    case "openai-chat":
      return "/v1/chat/completions";
    case "anthropic":
      return "/v1/messages";
    case "responses":
      return "/v1/responses";
    case "gemini":
      return `/v1beta/models/${encodeURIComponent(model)}:generateContent`;
  }
}

/** A one-message request in a client's format, as the chat tester sends it through the gateway (not streamed). */
export function chatBody(format: FormatId, model: string, message: string, system?: string): Record<string, unknown> {
  switch (format) {
    case "openai-chat":
      return { model, messages: [...(system ? [{ role: "system", content: system }] : []), { role: "user", content: message }] };
    case "anthropic":
      return { model, max_tokens: 1024, ...(system ? { system } : {}), messages: [{ role: "user", content: message }] };
    case "responses":
      return { model, ...(system ? { instructions: system } : {}), input: message };
    case "gemini":
      return {
        ...(system ? { systemInstruction: { parts: [{ text: system }] } } : {}),
        contents: [{ role: "user", parts: [{ text: message }] }],
      };
  }
}
