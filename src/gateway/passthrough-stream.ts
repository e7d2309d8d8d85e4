// The fast path's stream: upstream bytes go to the client as they come, frame by frame, while a tap
// reads usage; a usage frame the client did not ask for is hidden, and a cut upstream becomes an error frame.
import { GatewayError } from "../canonical/errors.ts";
import type { FinishReason, Usage } from "../canonical/usage.ts";
import type { Passthrough, StreamProgress } from "../formats/types.ts";
import { directStream } from "./direct-stream.ts";
import type { IdleLimit } from "./attempt.ts";
import { UpstreamIdleError, watchIdle } from "./idle-watch.ts";
import { GatewayShutdownError } from "./open-answers.ts";
import { createProgressTicker } from "./progress.ts";

export interface StreamOutcome {
  usage: Partial<Usage>;
  /** ms from start until the first byte went to the client. */
  firstByteAt?: number;
  /** Set when the stream failed: upstream error frame, cut connection or client gone. */
  error?: { status: number; errorClass: string };
  /** Why the answer ended, when the stream was decoded (translated). */
  finishReason?: FinishReason;
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

/** Byte patterns of a frame worth parsing: a usage object (not `"usage":null`), a finish reason (not null) or an error. Searched natively. */
const MARKERS = [
  '"usage":{',
  '"usage": {',
  '"usageMetadata":{',
  '"usageMetadata": {',
  '"finish_reason":"',
  '"finish_reason": "',
  '"error"',
  "event: error",
  "event:error",
].map((m) => Buffer.from(m));

/**
 * Where markers start in `bytes`, ascending. Searched once per chunk read, not once per frame: most chunks
 * have none, and a stream's usage or error frame is one among many.
 */
function markerOffsets(bytes: Uint8Array): number[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: number[] = [];
  for (const marker of MARKERS) {
    for (let at = buf.indexOf(marker); at !== -1; at = buf.indexOf(marker, at + marker.length)) found.push(at);
  }
  return found.sort((a, b) => a - b);
}

/** The `data` JSON and `event` name of one frame (one that holds a marker). */
function readFrame(bytes: Uint8Array): { event?: string; data?: unknown } {
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
  opts: {
    hideUsageFrame: boolean;
    startedAt: number;
    onDone: (outcome: StreamOutcome) => void;
    settle?: () => Promise<void>;
    progress?: (p: StreamProgress) => string;
    /** Give the stream up when the upstream goes silent this long (the error frames say so). */
    idle?: IdleLimit;
  },
): ReadableStream<Uint8Array> {
  const outcome: StreamOutcome = { usage: {} };
  const idle = opts.idle;
  const watch = idle && watchIdle(idle.ms, () => idle.giveUp(new UpstreamIdleError(idle.ms)));
  const ticker = opts.progress && createProgressTicker(opts.progress, opts.startedAt);
  let pending: Uint8Array | undefined;
  let framesSent = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    watch?.stop();
    opts.onDone(outcome);
  };

  const reader = upstream.getReader();
  return directStream({
    type: "direct",
    async pull(controller) {
      try {
        while (true) {
          const { value, done } = await reader.read();
          watch?.touch();
          if (done) {
            if (pending?.length) controller.write(pending);
            // The usage row is on disk before the client can see the end of the stream.
            finish();
            await opts.settle?.();
            controller.close();
            return;
          }
          const buf = pending ? concat(pending, value) : value;
          const markers = markerOffsets(buf);
          let nextMarker = 0;
          let start = 0;
          // Complete frames go out as one write; only a hidden frame splits it.
          let runStart = 0;
          let sent = false;
          let frames = 0;
          for (let end = frameEnd(buf, 0); end !== -1; end = frameEnd(buf, start)) {
            const frameStart = start;
            start = end;
            frames++;
            while (nextMarker < markers.length && markers[nextMarker]! < frameStart) nextMarker++;
            if (nextMarker === markers.length || markers[nextMarker]! >= end) continue;
            const { event, data } = readFrame(buf.subarray(frameStart, end));
            if (data === undefined) continue;
            const usage = format.frameUsage(data);
            if (usage) Object.assign(outcome.usage, usage);
            const finish = format.frameFinish(data);
            if (finish) outcome.finishReason = finish;
            if (format.isErrorFrame(data, event)) outcome.error ??= { status: 502, errorClass: "upstream_stream_error" };
            if (opts.hideUsageFrame && format.isUsageOnlyFrame(data)) {
              if (frameStart > runStart) {
                controller.write(buf.subarray(runStart, frameStart));
                sent = true;
              }
              runStart = end;
            }
          }
          if (start > runStart) {
            controller.write(buf.subarray(runStart, start));
            sent = true;
          }
          pending = start < buf.length ? buf.slice(start) : undefined;
          framesSent += frames;
          if (!sent) continue;
          outcome.firstByteAt ??= performance.now() - opts.startedAt;
          ticker?.tick((bytes) => controller.write(bytes), frames);
          // Out now rather than when a buffer fills; waits while the client reads slower than the upstream sends.
          await controller.flush(true);
          // A client reading slowly is not the upstream going silent: the quiet period starts once it has read.
          watch?.touch();
        }
      } catch (err) {
        const { failure, error } = brokenStream(err);
        outcome.error = error;
        controller.write(format.streamErrorFrames(failure, framesSent));
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

/** What the client and the usage row are told of an upstream stream that ended in an error. */
export function brokenStream(err: unknown): { failure: GatewayError; error: NonNullable<StreamOutcome["error"]> } {
  if (err instanceof GatewayShutdownError) {
    return {
      failure: new GatewayError("unavailable", "The gateway is shutting down and this answer was cut short; send the request again."),
      error: { status: 503, errorClass: "shutdown" },
    };
  }
  if (err instanceof UpstreamIdleError) {
    return {
      failure: new GatewayError("timeout", `The upstream stream went silent: ${err.message}; the answer was given up.`),
      error: { status: 504, errorClass: "upstream_idle_timeout" },
    };
  }
  return {
    failure: new GatewayError("unreachable", `The upstream stream broke off: ${err instanceof Error ? err.message : String(err)}`),
    error: { status: 502, errorClass: "upstream_cut" },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
