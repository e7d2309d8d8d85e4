// Reads a recorded OpenAI Chat Completions upstream request: system, tools, tool_calls / tool messages, image_url parts.
import { dataUrl, parseJson, textOf, type Inspector, type SeenImage } from "./types.ts";

export const openaiChatInspector: Inspector = {
  format: "openai-chat",
  streamed: (req) => req.body?.stream === true,
  system: (body) =>
    (body?.messages ?? [])
      .filter((m: any) => m.role === "system" || m.role === "developer")
      .map((m: any) => textOf(m.content))
      .join("\n"),
  userText: (body) =>
    (body?.messages ?? [])
      .filter((m: any) => m.role === "user")
      .map((m: any) => textOf(m.content))
      .join("\n"),
  toolNames: (body) => (body?.tools ?? []).map((t: any) => t?.function?.name),
  toolSchema: (body, name) => (body?.tools ?? []).find((t: any) => t?.function?.name === name)?.function?.parameters,
  calls: (body) =>
    (body?.messages ?? [])
      .filter((m: any) => m.role === "assistant")
      .flatMap((m: any) =>
        (m.tool_calls ?? []).map((c: any) => ({ id: c.id, name: c.function?.name, args: parseJson(c.function?.arguments) })),
      ),
  results: (body) =>
    (body?.messages ?? []).flatMap((m: any, turn: number) =>
      m.role === "tool" ? [{ callId: m.tool_call_id, content: textOf(m.content), turn }] : [],
    ),
  images: (body) =>
    (body?.messages ?? [])
      .flatMap((m: any) => (Array.isArray(m.content) ? m.content : []))
      .filter((p: any) => p?.type === "image_url")
      .map((p: any) => dataUrl(p.image_url?.url))
      .filter((i: SeenImage | undefined): i is SeenImage => !!i),
  maxTokens: (body) => body?.max_completion_tokens ?? body?.max_tokens,
  thinkingSignatures: () => [], // Chat has no field for them
  thinkingRequested: (body) => typeof body?.reasoning_effort === "string" && body.reasoning_effort !== "none",
  linked: (call, result) => !!call.id && call.id === result.callId,
  groupsParallelResults: false,
};
