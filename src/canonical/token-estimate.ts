// The gateway's own count of a request's input tokens (o200k), for count_tokens, countTokens and a stream's first usage report.
import type { CanonicalRequest } from "./request.ts";

/** Flat cost of one image, roughly what providers charge for a mid-size picture. */
const IMAGE_TOKENS = 1_000;

/** Tokens of every text, tool definition and tool argument in the request, counted with o200k. */
export async function estimateTokens(req: CanonicalRequest): Promise<number> {
  const { countTokens: count } = await import("gpt-tokenizer/encoding/o200k_base");
  let images = 0;
  const texts: string[] = [];
  for (const message of req.messages) {
    for (const part of message.content) {
      switch (part.type) {
        case "text": texts.push(part.text); break;
        case "thinking": texts.push(part.text); break;
        case "tool-call": texts.push(part.name, part.arguments); break;
        case "tool-result":
          for (const inner of part.content) inner.type === "text" ? texts.push(inner.text) : images++;
          break;
        case "image": images++; break;
        case "file": case "redacted-thinking": break;
      }
    }
  }
  for (const tool of req.tools ?? []) texts.push(tool.name, tool.description ?? "", JSON.stringify(tool.parameters));
  return count(texts.join("\n")) + images * IMAGE_TOKENS + req.messages.length * 3;
}
