// Server-sent events: a parser that tolerates any split of bytes across reads, and a frame writer.

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/**
 * Parse an SSE byte stream into events, per the WHATWG event-stream rules: lines end in \n, \r\n
 * or \r; `data:` lines join with \n; a blank line dispatches; comment lines (`:`) are skipped.
 * Events without data are not dispatched. Nothing is buffered beyond the current incomplete line.
 * `onChunk` hears every read, pings and comments included (an idle timeout counts them as life).
 */
export async function* parseSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal, onChunk?: () => void): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event: string | undefined;
  let id: string | undefined;
  let data: string[] = [];
  let sawCr = false;

  function* takeLines(final: boolean): Generator<SseEvent> {
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      if (ch === 10 && sawCr && i === start) {
        // The \n of a \r\n pair split across reads.
        sawCr = false;
        start = i + 1;
        continue;
      }
      const line = buffer.slice(start, i);
      sawCr = ch === 13;
      if (sawCr && buffer.charCodeAt(i + 1) === 10) {
        i++;
        sawCr = false;
      }
      start = i + 1;
      const out = processLine(line);
      if (out) yield out;
    }
    buffer = buffer.slice(start);
    if (final && buffer.length > 0) {
      const out = processLine(buffer);
      buffer = "";
      if (out) yield out;
    }
    if (final && data.length > 0) {
      yield { event, data: data.join("\n"), id };
      data = [];
    }
  }

  function processLine(line: string): SseEvent | undefined {
    if (line === "") {
      if (data.length === 0) {
        event = undefined;
        return undefined;
      }
      const out: SseEvent = { event, data: data.join("\n"), id };
      event = undefined;
      data = [];
      return out;
    }
    if (line.charCodeAt(0) === 58) return undefined; // ':' comment
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    else if (field === "id") id = value;
    return undefined;
  }

  const reader = body.getReader();
  try {
    while (true) {
      if (signal?.aborted) return;
      const { value, done } = await reader.read();
      if (done) break;
      onChunk?.();
      buffer += decoder.decode(value, { stream: true });
      yield* takeLines(false);
    }
    buffer += decoder.decode();
    yield* takeLines(true);
  } finally {
    reader.releaseLock();
  }
}

/** One SSE frame: `event:` line when named, the data (split on newlines), and the blank line. */
export function sseFrame(data: string, event?: string): string {
  const head = event ? `event: ${event}\n` : "";
  if (data.indexOf("\n") === -1) return `${head}data: ${data}\n\n`;
  return `${head}${data
    .split("\n")
    .map((l) => `data: ${l}`)
    .join("\n")}\n\n`;
}

export const SSE_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};
