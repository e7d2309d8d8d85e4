// The fast path's stream: upstream bytes go to the client as they come, frame by frame, while a tap
// reads usage; a usage frame the client did not ask for is hidden, and a cut upstream becomes an error frame.
import { GatewayError } from "../canonical/errors.ts";
import type { Usage } from "../canonical/usage.ts";
import type { Passthrough, StreamProgress } from "../formats/types.ts";
import { createProgressTicker } from "./progress.ts";

export interface StreamOutcome {
  usage: Partial<Usage>;
  /** ms from start until the first byte went to the client. */
  firstByteAt?: number;
  /** Set when the stream failed: upstream error frame, cut connection or client gone. */
  error?: { status: number; errorClass: string };
}

const LF = 10;
const CR = 13;

/** Index just past the first frame terminator (blank line) in `buf` from `from`, or -1. */
function frameEnd(buf: Uint8Array, from: number): number {
  for (let i = from; i < buf.length; i++) {
    if (buf[i] !== LF) continue;
    if (buf[i + 1] === LF) return i + 2;
    if (buf[i + 1] === CR && buf[i + 2] === LF) return i + 3;
  }
  return -1;
}

const decoder = new TextDecoder();

/** Byte patterns of a frame worth parsing: a usage object (not `"usage":null`) or an error. Searched natively. */
const MARKERS = ['"usage":{', '"usage": {', '"usageMetadata":{', '"usageMetadata": {', '"error"', "event: error", "event:error"].map((m) => Buffer.from(m));

function interesting(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const marker of MARKERS) if (buf.indexOf(marker) !== -1) return true;
  return false;
}

/** The `data` JSON and `event` name of one frame, parsed only when it may matter. */
function readFrame(bytes: Uint8Array): { event?: string; data?: unknown } {
  if (!interesting(bytes)) return {};
  const text = decoder.decode(bytes);
  let event: string | undefined;
  const data: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("data:")) data.push(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
    else if (line.startsWith("event:")) event = line.slice(6).trim();
  }
  if (!data.length || data[0] === "[DONE]") return { event };
  try {
    return { event, data: JSON.parse(data.join("\n")) };
  } catch {
    return { event };
  }
}

export function passthroughStream(
  upstream: ReadableStream<Uint8Array>,
  format: Passthrough,
  opts: { hideUsageFrame: boolean; startedAt: number; onDone: (outcome: StreamOutcome) => void; settle?: () => Promise<void>; progress?: (p: StreamProgress) => string },
): ReadableStream<Uint8Array> {
  const outcome: StreamOutcome = { usage: {} };
  const ticker = opts.progress && createProgressTicker(opts.progress, opts.startedAt);
  let pending: Uint8Array | undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    opts.onDone(outcome);
  };

  const reader = upstream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        while (true) {
          const { value, done } = await reader.read();
          if (done) {
            if (pending?.length) controller.enqueue(pending);
            // The usage row is on disk before the client can see the end of the stream.
            finish();
            await opts.settle?.();
            controller.close();
            return;
          }
          const buf = pending ? concat(pending, value) : value;
          let start = 0;
          // Complete frames go out as one chunk; only a hidden frame splits it.
          let runStart = 0;
          let sent = false;
          let frames = 0;
          for (let end = frameEnd(buf, 0); end !== -1; end = frameEnd(buf, start)) {
            const frame = buf.subarray(start, end);
            const frameStart = start;
            start = end;
            frames++;
            const { event, data } = readFrame(frame);
            if (data === undefined) continue;
            const usage = format.frameUsage(data);
            if (usage) Object.assign(outcome.usage, usage);
            if (format.isErrorFrame(data, event)) outcome.error ??= { status: 502, errorClass: "upstream_stream_error" };
            if (opts.hideUsageFrame && format.isUsageOnlyFrame(data)) {
              if (frameStart > runStart) { controller.enqueue(buf.subarray(runStart, frameStart)); sent = true; }
              runStart = end;
            }
          }
          if (start > runStart) { controller.enqueue(buf.subarray(runStart, start)); sent = true; }
          pending = start < buf.length ? buf.slice(start) : undefined;
          if (sent) {
            outcome.firstByteAt ??= performance.now() - opts.startedAt;
            ticker?.tick(controller, frames);
            return;
          }
        }
      } catch (err) {
        const failure = new GatewayError("unreachable", `The upstream stream broke off: ${err instanceof Error ? err.message : String(err)}`);
        outcome.error = { status: 502, errorClass: "upstream_cut" };
        controller.enqueue(new TextEncoder().encode(format.streamErrorFrames(failure)));
        // The usage row is on disk before the client can see the end of the stream.
        finish();
        await opts.settle?.();
        controller.close();
      }
    },
    async cancel(reason) {
      outcome.error ??= { status: 499, errorClass: "client_closed" };
      finish();
      await reader.cancel(reason).catch(() => {});
    },
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
