// The live monitor's SSE stream: each finished request as an HTML table row, until the browser goes away.
import type { Context } from "hono";
import { GatewayError } from "../canonical/errors.ts";
import { SSE_HEADERS, sseFrame } from "../canonical/sse.ts";
import type { Services } from "../services.ts";
import type { MonitorEvent } from "../usage/monitor.ts";
import { liftIdleTimeout } from "../gateway/edge/idle-timeout.ts";
import { MonitorRow } from "../../views/partials/translator-monitor.tsx";

/** A comment line often enough that proxies and browsers keep an idle stream open. */
export const HEARTBEAT_MS = 15_000;
/** Rows waiting for a slow reader beyond this are skipped: the monitor is a view, not a log. */
const MAX_QUEUED = 500;

/** One event as the <tr> the page prepends (rendered with JSX, so every value is escaped). */
export function monitorRowHtml(event: MonitorEvent): string {
  const row = MonitorRow({ e: event });
  if (row instanceof Promise) throw new Error("MonitorRow must render synchronously");
  return row.toString();
}

export function monitorStream(services: Services, c: Context, heartbeatMs = HEARTBEAT_MS): Response {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const send = (text: string) => {
    if (closed) return;
    if (controller.desiredSize !== null && controller.desiredSize < -MAX_QUEUED) return;
    // Called from a timer (the heartbeat): a stream the reader already cancelled must not throw out of it.
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      stop();
    }
  };
  const unsubscribe = services.monitor.subscribe((event) => send(sseFrame(monitorRowHtml(event))));
  if (!unsubscribe) {
    throw new GatewayError(
      "unavailable",
      "Too many live monitors are open. Close the monitor in another tab or window, then resume here.",
      { code: "too_many_watchers" },
    );
  }
  // The stream stays open for as long as the page does: Bun's idle timeout must not cut it.
  liftIdleTimeout(c);
  const heartbeat = setInterval(() => send(": heartbeat\n\n"), heartbeatMs);
  const stop = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    c.req.raw.signal.removeEventListener("abort", stop);
    try {
      controller.close();
    } catch {
      // Already closed or cancelled by the reader.
    }
  };
  c.req.raw.signal.addEventListener("abort", stop);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      // A first comment so the browser sees the stream open at once.
      c.enqueue(encoder.encode(": watching\n\n"));
    },
    cancel: stop,
  });
  if (c.req.raw.signal.aborted) stop();
  return new Response(body, { headers: SSE_HEADERS });
}
