// The gateway's figures as ratios to the floor (a do-nothing Bun proxy) and to its own fast path, so they mean the same on any machine.
import type { Row } from "./report.ts";

const NON_STREAM = "OpenAI chat → OpenAI upstream, non-stream";
const STREAM = "OpenAI chat → OpenAI upstream, stream (20 chunks)";
const TRANSLATED = "Anthropic client → OpenAI upstream (translated), stream (20 chunks)";
const FLOOR = "Floor: bare Bun proxy, non-stream";
const FLOOR_STREAM = "Floor: bare Bun proxy, stream (20 chunks)";

function find(rows: Row[], scenario: string, measure: string): Row | undefined {
  return rows.find((r) => r.scenario === scenario && r.measure.startsWith(measure));
}

/** What a row adds over the direct call (latency rows). */
const added = (r: Row | undefined) => (r && r.direct !== undefined ? r.gateway - r.direct : NaN);

function ratio(measure: string, value: number, target: { atMost?: number; atLeast?: number; label: string } | null, note: string): Row {
  return { scenario: "Ratios", measure, gateway: value, unit: "x", digits: 2, target: target && { on: "gateway", ...target }, note };
}

export function ratioRows(rows: Row[]): Row[] {
  const out: Row[] = [];
  const lat = (s: string) => find(rows, s, "latency p50");
  const tput = (s: string) => find(rows, s, "throughput");
  const fmt = (n: number, unit: string) => `${n.toFixed(unit === "ms" ? 3 : 0)} ${unit}`;
  const gwAdded = added(lat(NON_STREAM));
  const floorAdded = added(lat(FLOOR));
  out.push(
    ratio(
      "non-stream added latency p50, gateway / floor",
      gwAdded / floorAdded,
      { atMost: 1.5, label: "≤ 1.5x" },
      `gateway +${fmt(gwAdded, "ms")}, floor +${fmt(floorAdded, "ms")}`,
    ),
  );
  const streamAdded = added(lat(STREAM));
  const floorStreamAdded = added(lat(FLOOR_STREAM));
  out.push(
    ratio(
      "stream added latency p50, gateway / floor",
      streamAdded / floorStreamAdded,
      null,
      `gateway +${fmt(streamAdded, "ms")}, floor +${fmt(floorStreamAdded, "ms")}`,
    ),
  );
  const gwRps = tput(NON_STREAM)?.gateway ?? NaN;
  const floorRps = tput(FLOOR)?.gateway ?? NaN;
  out.push(
    ratio(
      "non-stream throughput c=64, gateway / floor",
      gwRps / floorRps,
      { atLeast: 0.8, label: "≥ 0.8x" },
      `gateway ${fmt(gwRps, "req/s")}, floor ${fmt(floorRps, "req/s")}`,
    ),
  );
  const streamRps = tput(STREAM)?.gateway ?? NaN;
  const floorStreamRps = tput(FLOOR_STREAM)?.gateway ?? NaN;
  out.push(
    ratio(
      "stream throughput c=64, gateway / floor",
      streamRps / floorStreamRps,
      null,
      `gateway ${fmt(streamRps, "req/s")}, floor ${fmt(floorStreamRps, "req/s")}`,
    ),
  );
  const translatedAdded = added(lat(TRANSLATED));
  out.push(
    ratio(
      "translated stream added latency p50 / fast path's",
      translatedAdded / streamAdded,
      { atMost: 1.5, label: "≤ 1.5x" },
      `translated +${fmt(translatedAdded, "ms")}, fast path +${fmt(streamAdded, "ms")}`,
    ),
  );
  const translatedRps = tput(TRANSLATED)?.gateway ?? NaN;
  out.push(
    ratio(
      "fast path stream throughput / translated stream's",
      streamRps / translatedRps,
      { atMost: 1.5, label: "≤ 1.5x" },
      `fast path ${fmt(streamRps, "req/s")}, translated ${fmt(translatedRps, "req/s")}`,
    ),
  );
  // CPU per request: what the throughput ratios tend to when the proxy is the bottleneck, and steadier than them on a
  // shared machine (a throughput ratio of 0.8 needs the gateway at most 1.25x the floor's CPU per request).
  const cpu = (s: string) => tput(s)?.proxyCpuUs ?? NaN;
  out.push(
    ratio(
      "non-stream CPU per request under load, gateway / floor",
      cpu(NON_STREAM) / cpu(FLOOR),
      null,
      `gateway ${fmt(cpu(NON_STREAM), "µs")}, floor ${fmt(cpu(FLOOR), "µs")}`,
    ),
    ratio(
      "translated stream CPU per request under load / fast path's",
      cpu(TRANSLATED) / cpu(STREAM),
      null,
      `translated ${fmt(cpu(TRANSLATED), "µs")}, fast path ${fmt(cpu(STREAM), "µs")}`,
    ),
  );
  return out;
}
