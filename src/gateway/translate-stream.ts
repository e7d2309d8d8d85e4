// The translated path's stream: upstream SSE -> canonical events -> the client's SSE. Each upstream read goes through
// the SSE parser, the upstream format's decoder and the client format's encoder synchronously (push codecs, no async
// step per event), and the frames it made leave as one write.
import { GatewayError } from "../canonical/errors.ts";
import type { CanonicalRequest } from "../canonical/request.ts";
import type { CanonicalEvent } from "../canonical/response.ts";
import { SseParser, type SseEvent } from "../canonical/sse.ts";
import type { GatewayFormat } from "../formats/registry.ts";
import type { StreamDecoder, StreamEncoder, StreamProgress, WireFormat } from "../formats/types.ts";
import { directStream } from "./direct-stream.ts";
import { createProgressTicker } from "./progress.ts";
import type { IdleLimit } from "./attempt.ts";
import { UpstreamIdleError, watchIdle } from "./idle-watch.ts";
import { brokenStream, type StreamOutcome } from "./passthrough-stream.ts";

/** What the usage row learns from an upstream event on its way to the client. */
function observe(event: CanonicalEvent, outcome: StreamOutcome): void {
  switch (event.type) {
    case "start":
    case "usage":
      if (event.usage) Object.assign(outcome.usage, event.usage);
      break;
    case "finish":
      if (event.usage) Object.assign(outcome.usage, event.usage);
      outcome.finishReason = event.reason;
      break;
    case "error":
      outcome.error ??= { status: event.error.status, errorClass: "upstream_stream_error" };
      break;
    default:
      break;
  }
}

/**
 * One stream's translation, fed read by read. The upstream side (reading, parsing, decoding) failing is a broken
 * upstream: the client gets the upstream error event in its format. The encoder failing is the gateway's own fault,
 * thrown for the caller to answer as a translation error.
 */
class Translation {
  /** The decoder has nothing more to give (its end marker, an error, or the body ended): read no more. */
  upstreamOver = false;
  private readonly parser = new SseParser();
  private readonly decoder: StreamDecoder;
  private readonly encoder: StreamEncoder;

  constructor(
    from: WireFormat,
    to: WireFormat,
    request: CanonicalRequest,
    private readonly outcome: StreamOutcome,
  ) {
    this.decoder = from.streamDecoder();
    this.encoder = to.streamEncoder(request);
  }

  /** Nothing more may be written to the client. */
  get clientOver(): boolean {
    return this.encoder.done;
  }

  /**
   * Adds to `frames` what one upstream read makes (`bytes` undefined: the body ended). An encoder that throws leaves
   * in `frames` what it made before, for the client to get ahead of the error.
   */
  read(bytes: Uint8Array | undefined, frames: string[]): void {
    let events: CanonicalEvent[];
    try {
      events = this.decode(bytes === undefined ? this.parser.end() : this.parser.push(bytes), bytes === undefined);
    } catch (err) {
      this.broken(err, frames);
      return;
    }
    for (const event of events) {
      observe(event, this.outcome);
      for (const frame of this.encoder.push(event)) frames.push(frame);
      if (this.encoder.done) break;
    }
    if (this.upstreamOver && !this.encoder.done) for (const frame of this.encoder.end()) frames.push(frame);
  }

  /** The upstream broke off (a cut connection, the idle limit, a shutdown): the client is told in its format. */
  broken(err: unknown, frames: string[]): void {
    const { failure, error } = brokenStream(err);
    this.outcome.error = error;
    this.upstreamOver = true;
    if (this.encoder.done) return;
    for (const frame of this.encoder.push({ type: "error", error: failure })) frames.push(frame);
    if (!this.encoder.done) for (const frame of this.encoder.end()) frames.push(frame);
  }

  private decode(sse: SseEvent[], bodyEnded: boolean): CanonicalEvent[] {
    if (this.upstreamOver) return [];
    const out: CanonicalEvent[] = [];
    for (const event of sse) {
      for (const decoded of this.decoder.push(event)) out.push(decoded);
      if (this.decoder.done) break;
    }
    if (this.decoder.done || bodyEnded) {
      this.upstreamOver = true;
      for (const decoded of this.decoder.end()) out.push(decoded);
    }
    return out;
  }
}

export function translateStream(
  upstream: ReadableStream<Uint8Array>,
  from: WireFormat,
  to: GatewayFormat,
  request: CanonicalRequest,
  opts: {
    startedAt: number;
    signal: AbortSignal;
    onDone: (outcome: StreamOutcome) => void;
    settle?: () => Promise<void>;
    progress?: (p: StreamProgress) => string;
    /** Give the stream up when the upstream goes silent this long (the error event says so). */
    idle?: IdleLimit;
  },
): ReadableStream<Uint8Array> {
  const outcome: StreamOutcome = { usage: {} };
  const ticker = opts.progress && createProgressTicker(opts.progress, opts.startedAt);
  const idle = opts.idle;
  const watch = idle && watchIdle(idle.ms, () => idle.giveUp(new UpstreamIdleError(idle.ms)));
  const translation = new Translation(from, to, request, outcome);
  const reader = upstream.getReader();
  let framesSent = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    watch?.stop();
    opts.onDone(outcome);
  };
  return directStream({
    type: "direct",
    async pull(controller) {
      /** Runs one step of the translation and sends what it made, even when it then throws. */
      const step = (translate: (frames: string[]) => void) => {
        const frames: string[] = [];
        try {
          translate(frames);
        } finally {
          send(frames);
        }
      };
      const send = (frames: string[]) => {
        if (frames.length === 0) return;
        outcome.firstByteAt ??= performance.now() - opts.startedAt;
        controller.write(frames.length === 1 ? frames[0]! : frames.join(""));
        framesSent += frames.length;
        ticker?.tick((bytes) => controller.write(bytes), frames.length);
      };
      try {
        while (!translation.upstreamOver && !translation.clientOver) {
          // A client gone is the cancel below's business; a stopped read ends the stream as the body ending would.
          if (opts.signal.aborted) {
            step((frames) => translation.read(undefined, frames));
            break;
          }
          let read: Awaited<ReturnType<typeof reader.read>>;
          try {
            read = await reader.read();
          } catch (err) {
            step((frames) => translation.broken(err, frames));
            break;
          }
          if (!read.done) watch?.touch();
          step((frames) => translation.read(read.done ? undefined : read.value, frames));
          // Waits while the client reads slower than the upstream sends.
          await controller.flush(true);
        }
        // The usage row is on disk before the client can see the end of the stream.
        finish();
        await opts.settle?.();
        controller.close();
      } catch (err) {
        // The client is told in its own format, as for a broken upstream, never left with a cut connection.
        outcome.error = { status: 500, errorClass: "translation_error" };
        const failure = new GatewayError(
          "internal",
          `The gateway could not translate the upstream's stream: ${err instanceof Error ? err.message : String(err)}`,
        );
        controller.write(to.passthrough.streamErrorFrames(failure, framesSent));
        finish();
        await opts.settle?.();
        controller.close();
      } finally {
        // An upstream still sending (the client's side ended first, or the translation failed) is let go at once.
        if (translation.upstreamOver) reader.releaseLock();
        else void reader.cancel().catch(() => {});
      }
    },
    async cancel(reason) {
      outcome.error ??= { status: 499, errorClass: "client_closed" };
      finish();
      await reader.cancel(reason).catch(() => {});
    },
  });
}
