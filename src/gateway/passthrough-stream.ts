// The fast path's stream: upstream bytes go to the client as they come, frame by frame, while a tap
// reads usage and the finish; a usage frame the client did not ask for is hidden, and a cut upstream, or one whose
// body ends before its answer finished, gets an error frame after what it sent.
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
  /** Why the answer ended: decoded (translated path) or read off the frames the tap parses (fast path). */
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

/** Byte patterns of an error frame, in any format. */
const ERROR_MARKERS = ['"error"', "event: error", "event:error"];

/** Each format's markers (its usage, finish and end frames', then the error frames'), made into bytes once. */
const MARKERS = new WeakMap<Passthrough, Buffer[]>();
function markersOf(format: Passthrough): Buffer[] {
  let markers = MARKERS.get(format);
  if (!markers) {
    markers = [...format.streamMarkers, ...ERROR_MARKERS].map((m) => Buffer.from(m));
    MARKERS.set(format, markers);
  }
  return markers;
}

/**
 * Where markers start in `bytes`, ascending: the frames worth parsing. Searched natively once per chunk read, not
 * once per frame: most chunks have none, and a stream's usage, finish or error frame is one among many.
 */
function markerOffsets(bytes: Uint8Array, markers: Buffer[]): number[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: number[] = [];
  for (const marker of markers) {
    for (let at = buf.indexOf(marker); at !== -1; at = buf.indexOf(marker, at + marker.length)) found.push(at);
  }
  return found.sort((a, b) => a - b);
}

/** The `data` JSON and `event` name of one frame (one that holds a marker); `done` for the Chat stream's `data: [DONE]`. */
function readFrame(bytes: Uint8Array): { event?: string; data?: unknown; done?: true } {
  const text = decoder.decode(bytes);
  let event: string | undefined;
  const data: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("data:")) data.push(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
    else if (line.startsWith("event:")) event = line.slice(6).trim();
  }
  if (data[0] === "[DONE]") return { event, done: true };
  if (!data.length) return { event };
  try {
    return { event, data: JSON.parse(data.join("\n")) };
  } catch {
    return { event };
  }
}

const ENDED_EARLY = "The upstream stream ended before its answer finished: the answer is incomplete";
const BLANK = Buffer.from("\n");
const FRAME_END = Buffer.from("\n\n");

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
  const formatMarkers = markersOf(format);
  let pending: Uint8Array | undefined;
  let framesSent = 0;
  let finished = false;
  /** The Chat stream's `data: [DONE]` came (it ends a stream whose finish_reason never came, as the decoder reads it). */
  let sawDone = false;
  /** What a frame holding a marker tells the usage row; true when it is a usage frame to hide from the client. */
  const observe = ({ event, data, done }: ReturnType<typeof readFrame>): boolean => {
    if (done) sawDone = true;
    if (data === undefined) return false;
    const usage = format.frameUsage(data);
    if (usage) Object.assign(outcome.usage, usage);
    const finishReason = format.frameFinish(data);
    if (finishReason) outcome.finishReason = finishReason;
    if (format.isErrorFrame(data, event)) outcome.error ??= { status: 502, errorClass: "upstream_stream_error" };
    return opts.hideUsageFrame && format.isUsageOnlyFrame(data);
  };
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
            const last = pending?.length ? readFrame(pending) : undefined;
            const whole = last !== undefined && (last.data !== undefined || last.done === true);
            if (pending && last && whole) {
              // A whole last frame without its blank line: read like the others, and ended so the client's parser
              // dispatches it (an SSE parser drops an event the body ends in the middle of).
              if (!observe(last)) controller.write(concat(pending, pending.at(-1) === LF ? BLANK : FRAME_END));
              framesSent++;
            }
            // A body that ends before the answer finished (no finish, no error, no [DONE]) is an incomplete answer:
            // the client is told in its format, as the translated path's decoders tell it. A partial frame before
            // that is left out (the client's parser would drop it, and it would run into the error event).
            if (outcome.finishReason === undefined && outcome.error === undefined && !sawDone) {
              outcome.error = { status: 502, errorClass: "upstream_stream_error" };
              controller.write(format.streamErrorFrames(new GatewayError("upstream", ENDED_EARLY), framesSent));
            } else if (pending && last && !whole) {
              controller.write(pending);
            }
            // The usage row is on disk before the client can see the end of the stream.
            finish();
            await opts.settle?.();
            controller.close();
            return;
          }
          const buf = pending ? concat(pending, value) : value;
          const markers = markerOffsets(buf, formatMarkers);
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
            if (observe(readFrame(buf.subarray(frameStart, end)))) {
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
