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

  /** The events the buffered text completes, into `ready` (a plain loop: a generator per read cost more than its lines). */
  const ready: SseEvent[] = [];
  function takeLines(final: boolean): void {
    let start = 0;
    if (!sawCr && buffer.indexOf("\r") === -1) {
      // No CR buffered (nor one pending): every line ends at a \n, found natively rather than a character at a time.
      for (let end = buffer.indexOf("\n"); end !== -1; end = buffer.indexOf("\n", start)) {
        const out = processLine(buffer.slice(start, end));
        start = end + 1;
        if (out) ready.push(out);
      }
    } else {
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
        if (out) ready.push(out);
      }
    }
    buffer = start === 0 ? buffer : buffer.slice(start);
    if (final && buffer.length > 0) {
      const out = processLine(buffer);
      buffer = "";
      if (out) ready.push(out);
    }
    if (final && data.length > 0) {
      ready.push({ event, data: joined(data), id });
      data = [];
    }
  }

  function processLine(line: string): SseEvent | undefined {
    if (line === "") {
      if (data.length === 0) {
        event = undefined;
        return undefined;
      }
      const out: SseEvent = { event, data: joined(data), id };
      event = undefined;
      data = [];
      return out;
    }
    if (line.charCodeAt(0) === 58) return undefined; // ':' comment
    const colon = line.indexOf(":");
    // The field is compared in place: no slice for it.
    const fieldLength = colon === -1 ? line.length : colon;
    const valueStart = colon === -1 ? line.length : line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
    if (fieldLength === 4 && line.startsWith("data")) data.push(line.slice(valueStart));
    else if (fieldLength === 5 && line.startsWith("event")) event = line.slice(valueStart);
    else if (fieldLength === 2 && line.startsWith("id")) id = line.slice(valueStart);
    return undefined;
  }

  const reader = body.getReader();
  try {
    while (true) {
      if (signal?.aborted) return;
      const { value, done } = await reader.read();
      if (done) break;
      onChunk?.();
      buffer += decoder.decode(value, STREAMING);
      takeLines(false);
      for (let i = 0; i < ready.length; i++) yield ready[i]!;
      ready.length = 0;
    }
    buffer += decoder.decode();
    takeLines(true);
    yield* ready;
  } finally {
    reader.releaseLock();
  }
}

const STREAMING = { stream: true };

/** An event's data lines joined with \n (most events have one). */
function joined(data: string[]): string {
  return data.length === 1 ? data[0]! : data.join("\n");
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
