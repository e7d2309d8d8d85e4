// Reads a recorded OpenAI Responses upstream request: instructions, tools, function_call / function_call_output items, input_image parts.
import { dataUrl, parseJson, textOf, type Inspector, type SeenImage } from "./types.ts";

const items = (body: any): any[] =>
  typeof body?.input === "string" ? [{ type: "message", role: "user", content: body.input }] : (body?.input ?? []);
const isMessage = (i: any) => i.type === "message" || (i.type === undefined && typeof i.role === "string");

export const responsesInspector: Inspector = {
  format: "responses",
  streamed: (req) => req.body?.stream === true,
  system: (body) =>
    [
      body?.instructions ?? "",
      ...items(body)
        .filter((i) => isMessage(i) && (i.role === "system" || i.role === "developer"))
        .map((i) => textOf(i.content)),
    ]
      .filter(Boolean)
      .join("\n"),
  userText: (body) =>
    items(body)
      .filter((i) => isMessage(i) && i.role === "user")
      .map((i) => textOf(i.content))
      .join("\n"),
  toolNames: (body) => (body?.tools ?? []).map((t: any) => t?.name),
  toolSchema: (body, name) => (body?.tools ?? []).find((t: any) => t?.name === name)?.parameters,
  calls: (body) =>
    items(body)
      .filter((i) => i.type === "function_call")
      .map((i) => ({ id: i.call_id, name: i.name, args: parseJson(i.arguments) })),
  results: (body) =>
    items(body).flatMap((i, turn) => (i.type === "function_call_output" ? [{ callId: i.call_id, content: textOf(i.output), turn }] : [])),
  images: (body) =>
    items(body)
      .filter(isMessage)
      .flatMap((i) => (Array.isArray(i.content) ? i.content : []))
      .filter((p: any) => p?.type === "input_image")
      .map((p: any) => dataUrl(p.image_url))
      .filter((i: SeenImage | undefined): i is SeenImage => !!i),
  // Summaries only come back when asked for: reasoning.summary must be set for the client to see any reasoning text.
  maxTokens: (body) => body?.max_output_tokens,
  thinkingSignatures: (body) =>
    items(body)
      .filter((i) => i.type === "reasoning" && typeof i.encrypted_content === "string")
      .map((i) => i.encrypted_content),
  thinkingRequested: (body) =>
    typeof body?.reasoning?.summary === "string" && body.reasoning.summary !== "none" && body.reasoning.effort !== "none",
  linked: (call, result) => !!call.id && call.id === result.callId,
  groupsParallelResults: false,
};
