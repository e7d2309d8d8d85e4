// The translated path's stream: upstream SSE -> canonical events -> the client's SSE, event by event.
import { GatewayError } from "../canonical/errors.ts";
import type { CanonicalRequest } from "../canonical/request.ts";
import type { CanonicalEvent } from "../canonical/response.ts";
import { parseSse } from "../canonical/sse.ts";
import type { GatewayFormat } from "../formats/registry.ts";
import type { StreamProgress, WireFormat } from "../formats/types.ts";
import { directStream } from "./direct-stream.ts";
import { createProgressTicker } from "./progress.ts";
import type { IdleLimit } from "./attempt.ts";
import { UpstreamIdleError, watchIdle } from "./idle-watch.ts";
import { brokenStream, type StreamOutcome } from "./passthrough-stream.ts";

/** Upstream events, with a broken connection turned into a canonical error event, and usage observed. */
async function* observe(events: AsyncIterable<CanonicalEvent>, outcome: StreamOutcome): AsyncGenerator<CanonicalEvent> {
  try {
    for await (const event of events) {
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
      yield event;
    }
  } catch (err) {
    const { failure, error } = brokenStream(err);
    outcome.error = error;
    yield { type: "error", error: failure };
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
  const frames = to
    .encodeStream(observe(from.decodeStream(parseSse(upstream, opts.signal, watch?.touch)), outcome), request)
    [Symbol.asyncIterator]();
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
      try {
        while (true) {
          const { value, done } = await frames.next();
          if (done) {
            // The usage row is on disk before the client can see the end of the stream.
            finish();
            await opts.settle?.();
            controller.close();
            return;
          }
          outcome.firstByteAt ??= performance.now() - opts.startedAt;
          controller.write(value);
          framesSent++;
          ticker?.tick((bytes) => controller.write(bytes), 1);
          // Each frame leaves now; waits while the client reads slower than the upstream sends.
          await controller.flush(true);
        }
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
      }
    },
    async cancel() {
      outcome.error ??= { status: 499, errorClass: "client_closed" };
      finish();
      await frames.return?.(undefined);
      await upstream.cancel().catch(() => {});
    },
  });
}
