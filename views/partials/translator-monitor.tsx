// The Translator's Live monitor: the table, the SSE connector (live or paused) and one row per finished request.
/** @jsxImportSource hono/jsx */
import type { MonitorEvent } from "../../src/usage/monitor.ts";
import { hx } from "../components/attrs.ts";
import { Badge, formatNumber, usd } from "../components/card.tsx";

export const MONITOR_STREAM = "/dashboard/partials/monitor/stream";
export const MONITOR_CONNECTOR = "/dashboard/partials/monitor/connector";
/** The page keeps this many rows (static/monitor.js trims the rest). */
export const MONITOR_ROWS = 200;

function statusKind(status: number): string {
  if (status < 400) return "ok";
  if (status === 429 || status === 499) return "warn";
  return "bad";
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString("en-GB", { hour12: false });
}

export function MonitorRow({ e }: { e: MonitorEvent }) {
  const served = e.provider ? `${e.provider}/${e.modelServed ?? "?"}` : "—";
  const note = [e.cache === "hit" ? "cache hit" : null, e.errorClass ?? null].filter(Boolean).join(", ");
  return (
    <tr>
      <td>
        <time datetime={new Date(e.at).toISOString()}>{clock(e.at)}</time>
      </td>
      <td>
        <Badge kind={statusKind(e.status)}>{String(e.status)}</Badge>
      </td>
      <td>{e.modelRequested}</td>
      <td>{served}</td>
      <td>
        <code>{e.endpoint}</code>
      </td>
      <td>{formatNumber(e.latencyMs)} ms</td>
      <td>
        {formatNumber(e.inputTokens)} / {formatNumber(e.outputTokens)}
      </td>
      <td>{usd(e.costUsd)}</td>
      <td>{note || <span class="muted">—</span>}</td>
    </tr>
  );
}

/**
 * Live: the element holding the SSE connection (hx-sse:connect connects as soon as htmx processes it;
 * swapping it out for the paused one closes the connection). Unnamed SSE messages are swapped into
 * the rows, newest first; a 5xx (too many watchers) lands in the message area instead.
 */
export function MonitorConnector({ live }: { live: boolean }) {
  if (!live) {
    return (
      <div id="monitor-conn" class="monitor-conn">
        <Badge kind="warn">paused</Badge>{" "}
        <button type="button" class="small" {...hx({ get: MONITOR_CONNECTOR, target: "#monitor-conn", swap: "outerHTML" })}>
          Resume
        </button>
      </div>
    );
  }
  const sse = {
    "hx-sse:connect": MONITOR_STREAM,
    "hx-target": "#monitor-rows",
    "hx-swap": "afterbegin",
    "hx-status:5xx": "target:#monitor-message swap:innerHTML",
  };
  return (
    <div id="monitor-conn" class="monitor-conn" {...sse}>
      <Badge kind="ok">live</Badge>{" "}
      <button
        type="button"
        class="small secondary"
        {...hx({ get: `${MONITOR_CONNECTOR}?paused=1`, target: "#monitor-conn", swap: "outerHTML" })}
      >
        Pause
      </button>
    </div>
  );
}

export function MonitorPanel() {
  return (
    <>
      <p>
        Every request the gateway finishes, as it happens: newest first, the last {MONITOR_ROWS} kept. The stream opens when this tab is
        shown.
      </p>
      <div class="monitor-bar">
        {/* Loaded when first shown, so a page left on another tab holds no connection (and the SSE extension is loaded by then). */}
        <div id="monitor-conn" {...hx({ get: MONITOR_CONNECTOR, trigger: "intersect once", swap: "outerHTML" })}>
          <span class="muted">Connecting…</span>
        </div>
        <button type="button" class="small outline secondary" id="monitor-clear">
          Clear table
        </button>
        <span id="monitor-message" role="status"></span>
      </div>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Status</th>
              <th scope="col">Model asked</th>
              <th scope="col">Served by</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Latency</th>
              <th scope="col">Tokens in / out</th>
              <th scope="col">Cost</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody id="monitor-rows" data-keep={String(MONITOR_ROWS)}>
            <tr id="monitor-empty">
              <td colspan={9} class="muted">
                No requests yet. Send one (the Chat tester tab will do) and it appears here.
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <script src="/static/vendor/hx-sse.min.js" defer></script>
      <script src="/static/monitor.js" defer></script>
    </>
  );
}
