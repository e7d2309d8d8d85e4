// The gateway's own count of a request's input tokens (o200k), for count_tokens, countTokens and a stream's first usage report.
import type { CanonicalRequest } from "./request.ts";

/** Flat cost of one image, roughly what providers charge for a mid-size picture. */
const IMAGE_TOKENS = 1_000;
/** Text up to this many characters is counted; the rest is extrapolated from it (an o200k count costs ~0.1 ms per KB). */
const COUNTED_CHARS = 16_384;
/** o200k's merge step slows down with the square of a piece's length (16K spaces or CJK letters take seconds): count in slices. */
const SLICE_CHARS = 64;

/** Tokens of every text, tool definition and tool argument in the request, counted with o200k. */
export async function estimateTokens(req: CanonicalRequest): Promise<number> {
  const { countTokens: count } = await import("gpt-tokenizer/encoding/o200k_base");
  let images = 0;
  const texts: string[] = [];
  for (const message of req.messages) {
    for (const part of message.content) {
      switch (part.type) {
        case "text":
          texts.push(part.text);
          break;
        case "thinking":
          texts.push(part.text);
          break;
        case "tool-call":
          texts.push(part.name, part.arguments);
          break;
        case "tool-result":
          for (const inner of part.content) inner.type === "text" ? texts.push(inner.text) : images++;
          break;
        case "image":
          images++;
          break;
        case "file":
        case "redacted-thinking":
          break;
      }
    }
  }
  for (const tool of req.tools ?? []) texts.push(tool.name, tool.description ?? "", JSON.stringify(tool.parameters));
  return boundedCount(texts.join("\n"), count) + images * IMAGE_TOKENS + req.messages.length * 3;
}

/**
 * The o200k count of `text`, at a bounded cost whatever the text: its first COUNTED_CHARS characters are counted
 * in slices of at most SLICE_CHARS cut at whitespace where there is some (so ordinary text counts as a whole
 * would), and a longer text is estimated from the tokens per character of that counted part. A few ms at most.
 */
function boundedCount(text: string, count: (text: string) => number): number {
  const counted = text.length > COUNTED_CHARS ? text.slice(0, COUNTED_CHARS) : text;
  let tokens = 0;
  for (let start = 0; start < counted.length; ) {
    let end = Math.min(start + SLICE_CHARS, counted.length);
    if (end < counted.length) {
      // Cut before a whitespace in the slice's second half, where o200k's own pieces begin.
      let at = end;
      while (at > start + SLICE_CHARS / 2 && !isSpace(counted.charCodeAt(at))) at--;
      if (at > start + SLICE_CHARS / 2) end = at;
    }
    tokens += count(counted.slice(start, end));
    start = end;
  }
  return counted.length === text.length ? tokens : Math.ceil((tokens * text.length) / counted.length);
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}
