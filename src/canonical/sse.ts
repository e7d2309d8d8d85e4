// Server-sent events: a parser that tolerates any split of bytes across reads, and a frame writer.

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/**
 * An SSE byte stream's parser, fed read by read, per the WHATWG event-stream rules: lines end in \n, \r\n or \r;
 * `data:` lines join with \n; a blank line dispatches; comment lines (`:`) are skipped. Events without data are not
 * dispatched. Nothing is buffered beyond the current incomplete line (and an incomplete UTF-8 sequence).
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = "";
  private event: string | undefined;
  private id: string | undefined;
  private data: string[] = [];
  private sawCr = false;

  /** The events this read completes, in order. */
  push(bytes: Uint8Array): SseEvent[] {
    this.buffer += this.decoder.decode(bytes, STREAMING);
    const ready: SseEvent[] = [];
    this.takeLines(ready);
    return ready;
  }

  /** The body ended: what its last line and event held. */
  end(): SseEvent[] {
    this.buffer += this.decoder.decode();
    const ready: SseEvent[] = [];
    this.takeLines(ready);
    if (this.buffer.length > 0) {
      const out = this.processLine(this.buffer);
      this.buffer = "";
      if (out) ready.push(out);
    }
    if (this.data.length > 0) {
      ready.push({ event: this.event, data: joined(this.data), id: this.id });
      this.data = [];
    }
    return ready;
  }

  /** The events the buffered text completes, into `ready` (a plain loop: a generator per read cost more than its lines). */
  private takeLines(ready: SseEvent[]): void {
    const buffer = this.buffer;
    let start = 0;
    if (!this.sawCr && buffer.indexOf("\r") === -1) {
      // No CR buffered (nor one pending): every line ends at a \n, found natively rather than a character at a time.
      for (let end = buffer.indexOf("\n"); end !== -1; end = buffer.indexOf("\n", start)) {
        const out = this.processLine(buffer.slice(start, end));
        start = end + 1;
        if (out) ready.push(out);
      }
    } else {
      for (let i = 0; i < buffer.length; i++) {
        const ch = buffer.charCodeAt(i);
        if (ch !== 10 && ch !== 13) continue;
        if (ch === 10 && this.sawCr && i === start) {
          // The \n of a \r\n pair split across reads.
          this.sawCr = false;
          start = i + 1;
          continue;
        }
        const line = buffer.slice(start, i);
        this.sawCr = ch === 13;
        if (this.sawCr && buffer.charCodeAt(i + 1) === 10) {
          i++;
          this.sawCr = false;
        }
        start = i + 1;
        const out = this.processLine(line);
        if (out) ready.push(out);
      }
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
  }

  private processLine(line: string): SseEvent | undefined {
    if (line === "") {
      if (this.data.length === 0) {
        this.event = undefined;
        return undefined;
      }
      const out: SseEvent = { event: this.event, data: joined(this.data), id: this.id };
      this.event = undefined;
      this.data = [];
      return out;
    }
    if (line.charCodeAt(0) === 58) return undefined; // ':' comment
    const colon = line.indexOf(":");
    // The field is compared in place: no slice for it.
    const fieldLength = colon === -1 ? line.length : colon;
    const valueStart = colon === -1 ? line.length : line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
    if (fieldLength === 4 && line.startsWith("data")) this.data.push(line.slice(valueStart));
    else if (fieldLength === 5 && line.startsWith("event")) this.event = line.slice(valueStart);
    else if (fieldLength === 2 && line.startsWith("id")) this.id = line.slice(valueStart);
    return undefined;
  }
}

/**
 * The events of an SSE byte stream, as they arrive (an SseParser over the body's reads).
 * `onChunk` hears every read, pings and comments included (an idle timeout counts them as life).
 */
export async function* parseSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal, onChunk?: () => void): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  const reader = body.getReader();
  try {
    while (true) {
      if (signal?.aborted) return;
      const { value, done } = await reader.read();
      if (done) break;
      onChunk?.();
      for (const event of parser.push(value)) yield event;
    }
    for (const event of parser.end()) yield event;
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
