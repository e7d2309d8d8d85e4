// POST /v1/messages/count_tokens: the upstream's own count when it speaks Anthropic, else a local o200k estimate.
import { GatewayError } from "../canonical/errors.ts";
import type { CanonicalRequest } from "../canonical/request.ts";
import { selectAccount } from "../accounts/select.ts";
import { getFormat } from "../formats/registry.ts";
import { sendOneShot } from "../providers/adapters/one-shot.ts";
import { upstreamCall } from "../providers/upstream.ts";
import type { Services } from "../services.ts";

/** Flat cost of one image, roughly what providers charge for a mid-size picture. */
const IMAGE_TOKENS = 1_000;
/** Text up to this many characters is counted; the rest is extrapolated from it (an o200k count costs ~0.1 ms per KB). */
const COUNTED_CHARS = 16_384;
/** o200k's merge step slows down with the square of a piece's length (16K spaces or CJK letters take seconds): count in slices. */
const SLICE_CHARS = 64;

export async function countTokens(services: Services, body: Record<string, unknown>): Promise<{ input_tokens: number }> {
  if (typeof body.model !== "string") throw new GatewayError("invalid_request", "model: required", { param: "model" });
  const anthropic = getFormat("anthropic");
  // count_tokens bodies carry no max_tokens; decoding validates everything else.
  const canonical = anthropic.decodeRequest({ ...body, max_tokens: 1 });
  const [target] = services.router.resolve(body.model);
  const account = target && selectAccount(services, target.provider.id);
  const adapter = target && services.adapters.get(target.provider.id);
  if (target && account && target.provider.format === "anthropic" && (!adapter || adapter.countTokens)) {
    const call = upstreamCall(target.provider, account, anthropic, target.model, false);
    try {
      const url = call.url.replace(/\/messages$/, "/messages/count_tokens");
      // Through the provider's adapter: an OAuth account (Claude Code) needs its own token and headers here too.
      const res = await sendOneShot(services, {
        spec: target.provider, account, model: target.model, stream: false, signal: AbortSignal.timeout(10_000), timeoutMs: 10_000,
        call: { url, headers: call.headers, body: { ...body, model: target.model } }, scope: { combo: target.combo }, readMessage: anthropic.decodeErrorMessage,
      });
      if (res instanceof Response && res.ok) {
        const counted = (await res.json()) as { input_tokens?: unknown };
        if (typeof counted.input_tokens === "number") return { input_tokens: counted.input_tokens };
      }
    } catch {
      // Fall back to the local estimate below.
    }
  }
  return { input_tokens: await estimateTokens(canonical) };
}

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
  for (let start = 0; start < counted.length;) {
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
