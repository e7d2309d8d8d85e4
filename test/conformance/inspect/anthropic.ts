// Reads a recorded Anthropic Messages upstream request: system, tools, tool_use / tool_result blocks, base64 image blocks.
import { textOf, type Inspector } from "./types.ts";

const blocks = (body: any, role: string): Array<{ block: any; turn: number }> =>
  (body?.messages ?? []).flatMap((m: any, turn: number) =>
    m.role === role && Array.isArray(m.content) ? m.content.map((block: any) => ({ block, turn })) : [],
  );

export const anthropicInspector: Inspector = {
  format: "anthropic",
  streamed: (req) => req.body?.stream === true,
  system: (body) => textOf(body?.system),
  userText: (body) =>
    (body?.messages ?? [])
      .filter((m: any) => m.role === "user")
      .map((m: any) =>
        typeof m.content === "string"
          ? m.content
          : m.content
              .filter((b: any) => b.type === "text")
              .map((b: any) => b.text)
              .join(""),
      )
      .join("\n"),
  toolNames: (body) => (body?.tools ?? []).map((t: any) => t?.name),
  toolSchema: (body, name) => (body?.tools ?? []).find((t: any) => t?.name === name)?.input_schema,
  calls: (body) =>
    blocks(body, "assistant")
      .filter(({ block }) => block.type === "tool_use")
      .map(({ block }) => ({ id: block.id, name: block.name, args: block.input })),
  results: (body) =>
    blocks(body, "user")
      .filter(({ block }) => block.type === "tool_result")
      .map(({ block, turn }) => ({ callId: block.tool_use_id, content: textOf(block.content), turn })),
  images: (body) =>
    blocks(body, "user")
      .filter(({ block }) => block.type === "image" && block.source?.type === "base64")
      .map(({ block }) => ({ mediaType: block.source.media_type, data: block.source.data })),
  maxTokens: (body) => body?.max_tokens,
  thinkingSignatures: (body) =>
    blocks(body, "assistant")
      .filter(({ block }) => block.type === "thinking")
      .map(({ block }) => block.signature),
  thinkingRequested: (body) => body?.thinking?.type === "enabled" || body?.thinking?.type === "adaptive",
  linked: (call, result) => !!call.id && call.id === result.callId,
  // Anthropic: every tool_result of one assistant turn goes in the next (single) user message.
  groupsParallelResults: true,
};
