// The common measure function: one metric of one scenario, direct and through the gateway, as table rows.
import { alternate, timeFirstByte, timeRequest, type Endpoint, type LoadClient, type ThroughputResult } from "./load.ts";
import { median, percentile, type Row } from "./report.ts";
import { DEFAULT_TARGETS, type BenchContext, type BenchScenario, type Metric } from "./scenarios.ts";

export interface MeasureOptions {
  latency: { requests: number; warmup: number; batch: number };
  ttfb: { requests: number; warmup: number; batch: number };
  /** `rounds` runs of each endpoint, direct and gateway alternating; the median run is reported (one run moves ±5-10% on a shared machine). */
  throughput: {
    concurrency: number;
    seconds: number;
    warmupSeconds: number;
    rounds: number;
    client: LoadClient;
    watch: Record<string, number>;
  };
}

function target(s: BenchScenario, key: string) {
  return s.targets && key in s.targets ? s.targets[key] : DEFAULT_TARGETS[key];
}

/** Direct endpoint (if any) first, gateway last. */
function endpoints(s: BenchScenario, ctx: BenchContext): { direct?: Endpoint; gateway: Endpoint; all: Endpoint[] } {
  const direct = s.direct?.(ctx);
  const gateway = s.gateway(ctx);
  return { direct, gateway, all: direct ? [direct, gateway] : [gateway] };
}

/** Sequential samples of `time` for each endpoint, alternating in batches after a warm-up; [direct?, gateway]. */
async function sequential(
  eps: Endpoint[],
  o: { requests: number; warmup: number; batch: number },
  time: (ep: Endpoint) => Promise<number>,
) {
  await alternate(eps, o.warmup, o.batch, time);
  const samples = await alternate(eps, o.requests, o.batch, time);
  return { direct: samples.length === 2 ? samples[0] : undefined, gateway: samples.at(-1)! };
}

/** The run with the median requests/s (its latency and CPU figures come with it). */
function medianRun(runs: ThroughputResult[]): ThroughputResult {
  return [...runs].sort((a, b) => a.rps - b.rps)[Math.floor((runs.length - 1) / 2)]!;
}

/** CPU µs per request of the proxy under load: the gateway, or the floor proxy when it is the one measured (the busier). */
function proxyCpuUs(r: ThroughputResult): number {
  const busiest = Math.max(r.cpu.gateway ?? 0, r.cpu.floor ?? 0);
  return ((busiest / 100) * 1e6) / r.rps;
}

function cpuNote(r: ThroughputResult): string {
  const parts = Object.entries(r.cpu)
    .filter(([, v]) => Number.isFinite(v))
    .map(([k, v]) => `${k} ${v.toFixed(0)}%`);
  return parts.length ? `CPU ${parts.join(", ")}` : "";
}

export async function measure(s: BenchScenario, metric: Metric, ctx: BenchContext, o: MeasureOptions): Promise<Row[]> {
  const eps = endpoints(s, ctx);
  switch (metric) {
    case "latency": {
      const { direct, gateway } = await sequential(eps.all, o.latency, timeRequest);
      const base = { scenario: s.name, unit: "ms", digits: 3 };
      return [
        {
          ...base,
          measure: `latency p50, c=1 (n=${gateway.length})`,
          direct: direct && percentile(direct, 50),
          gateway: percentile(gateway, 50),
          target: target(s, "latency p50"),
        },
        {
          ...base,
          measure: `latency p99, c=1 (n=${gateway.length})`,
          direct: direct && percentile(direct, 99),
          gateway: percentile(gateway, 99),
          target: target(s, "latency p99") ?? null,
        },
      ];
    }
    case "ttfb": {
      const { direct, gateway } = await sequential(eps.all, o.ttfb, timeFirstByte);
      return [
        {
          scenario: s.name,
          unit: "ms",
          digits: 3,
          measure: `time to first byte p50 (n=${gateway.length})`,
          direct: direct && percentile(direct, 50),
          gateway: percentile(gateway, 50),
          target: target(s, "ttfb p50"),
          note: `p90 ${direct ? `${percentile(direct, 90).toFixed(3)} direct, ` : ""}${percentile(gateway, 90).toFixed(3)} via gateway`,
        },
      ];
    }
    case "throughput": {
      const t = o.throughput;
      const run = (ep: Endpoint) =>
        t.client.run(ep, { concurrency: t.concurrency, seconds: t.seconds, warmupSeconds: t.warmupSeconds, watch: t.watch });
      const directRuns: ThroughputResult[] = [];
      const gatewayRuns: ThroughputResult[] = [];
      for (let i = 0; i < t.rounds; i++) {
        if (eps.direct) directRuns.push(await run(eps.direct));
        gatewayRuns.push(await run(eps.gateway));
      }
      const direct = eps.direct && medianRun(directRuns);
      const gateway = medianRun(gatewayRuns);
      const rounds = (runs: ThroughputResult[]) => runs.map((r) => Math.round(r.rps).toLocaleString("en-US")).join(" / ");
      const lat = (r: ThroughputResult) => (r.p50Ms !== undefined ? `p50/p99 ${r.p50Ms.toFixed(2)}/${r.p99Ms?.toFixed(2)} ms` : "");
      const errors = (direct?.errors ?? 0) + gateway.errors;
      const note = [
        t.rounds > 1 ? `median of ${t.rounds} runs: ${direct ? `direct ${rounds(directRuns)}, ` : ""}gateway ${rounds(gatewayRuns)}` : "",
        direct ? `gateway = ${((gateway.rps / direct.rps) * 100).toFixed(0)}% of direct` : "",
        direct ? `direct: ${[lat(direct), cpuNote(direct)].filter(Boolean).join(", ")}` : "",
        `gateway: ${[lat(gateway), cpuNote(gateway)].filter(Boolean).join(", ")}`,
        errors ? `**${errors} errors**` : "",
      ]
        .filter(Boolean)
        .join("; ");
      return [
        {
          scenario: s.name,
          unit: "req/s",
          digits: 0,
          measure: `throughput, c=${t.concurrency}, ${t.seconds} s${t.rounds > 1 ? `, median of ${t.rounds}` : ""}`,
          direct: direct?.rps,
          gateway: gateway.rps,
          target: target(s, "throughput"),
          note,
          // Steadier than requests/s on a shared machine: CPU time per request barely depends on how much CPU was had.
          proxyCpuUs: median(gatewayRuns.map(proxyCpuUs)),
        },
      ];
    }
    default: {
      const unreachable: never = metric;
      throw new Error(`unknown metric ${String(unreachable)}`);
    }
  }
}
