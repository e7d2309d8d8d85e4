// The gateway's figures as ratios to the floor (a do-nothing Bun proxy) and to its own fast path, so they mean the same
// on any machine. Each ratio is measured side by side: the two endpoints' requests (latency) or runs (throughput)
// alternate, so a shared machine slowing down (a VM's host can take a third of its speed for a minute) slows both
// sides of a ratio alike. Dividing figures taken minutes apart, as the scenario rows are, moved these ratios by ±20%.
import { alternate, timeRequest, type Endpoint, type ThroughputResult } from "./load.ts";
import type { MeasureOptions } from "./measure.ts";
import { median, percentile, type Row } from "./report.ts";
import { SCENARIOS, type BenchContext } from "./scenarios.ts";

const NON_STREAM = "OpenAI chat → OpenAI upstream, non-stream";
const STREAM = "OpenAI chat → OpenAI upstream, stream (20 chunks)";
const TRANSLATED = "Anthropic client → OpenAI upstream (translated), stream (20 chunks)";
const FLOOR = "Floor: bare Bun proxy, non-stream";
const FLOOR_STREAM = "Floor: bare Bun proxy, stream (20 chunks)";

/** Throughput rounds per pair: each round runs one side then the other and gives one ratio. */
const ROUNDS = 5;
const ROUND_SECONDS = 3;

function scenario(name: string) {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no bench scenario named "${name}"`);
  return s;
}

function ratio(measure: string, value: number, target: { atMost?: number; atLeast?: number; label: string } | null, note: string): Row {
  return { scenario: "Ratios", measure, gateway: value, unit: "x", digits: 2, target: target && { on: "gateway", ...target }, note };
}

const ms = (n: number) => `${n.toFixed(3)} ms`;
const spread = (values: number[]) => `rounds ${values.map((v) => v.toFixed(2)).join(" / ")}`;

/**
 * Added latency p50 of `a` and `b` over the same direct call, their requests alternating in batches with the direct
 * ones: [direct, a, b] x batch, again and again.
 */
async function pairedLatency(direct: Endpoint, a: Endpoint, b: Endpoint, o: MeasureOptions["latency"]) {
  await alternate([direct, a, b], o.warmup, o.batch, timeRequest);
  const [d, x, y] = await alternate([direct, a, b], o.requests, o.batch, timeRequest);
  const base = percentile(d!, 50);
  return { a: percentile(x!, 50) - base, b: percentile(y!, 50) - base };
}

/** CPU µs per request of whichever proxy served the run (the busier of the gateway and the floor). */
function proxyCpuUs(r: ThroughputResult): number {
  return ((Math.max(r.cpu.gateway ?? 0, r.cpu.floor ?? 0) / 100) * 1e6) / r.rps;
}

/** ROUNDS rounds of `a` then `b` (the order swapped every other round): per round, b/a for requests/s and CPU per request. */
async function pairedThroughput(a: Endpoint, b: Endpoint, o: MeasureOptions["throughput"]) {
  const run = (ep: Endpoint) => o.client.run(ep, { concurrency: o.concurrency, seconds: ROUND_SECONDS, warmupSeconds: 1, watch: o.watch });
  const rps: number[] = [];
  const cpu: number[] = [];
  const aRps: number[] = [];
  const bRps: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let ra: ThroughputResult;
    let rb: ThroughputResult;
    if (i % 2 === 0) {
      ra = await run(a);
      rb = await run(b);
    } else {
      rb = await run(b);
      ra = await run(a);
    }
    rps.push(rb.rps / ra.rps);
    cpu.push(proxyCpuUs(rb) / proxyCpuUs(ra));
    aRps.push(ra.rps);
    bRps.push(rb.rps);
  }
  return { rps, cpu, aRps: median(aRps), bRps: median(bRps) };
}

export async function ratioRows(ctx: BenchContext, o: MeasureOptions): Promise<Row[]> {
  const gateway = (name: string) => scenario(name).gateway(ctx);
  const direct = (name: string) => scenario(name).direct!(ctx);
  const out: Row[] = [];

  const lat = await pairedLatency(direct(NON_STREAM), gateway(FLOOR), gateway(NON_STREAM), o.latency);
  out.push(
    ratio(
      "non-stream added latency p50, gateway / floor",
      lat.b / lat.a,
      { atMost: 1.5, label: "≤ 1.5x" },
      `gateway +${ms(lat.b)}, floor +${ms(lat.a)}`,
    ),
  );
  const streamLat = await pairedLatency(direct(STREAM), gateway(FLOOR_STREAM), gateway(STREAM), o.latency);
  out.push(
    ratio(
      "stream added latency p50, gateway / floor",
      streamLat.b / streamLat.a,
      null,
      `gateway +${ms(streamLat.b)}, floor +${ms(streamLat.a)}`,
    ),
  );
  const translatedLat = await pairedLatency(direct(STREAM), gateway(STREAM), gateway(TRANSLATED), o.latency);
  out.push(
    ratio(
      "translated stream added latency p50 / fast path's",
      translatedLat.b / translatedLat.a,
      { atMost: 1.5, label: "≤ 1.5x" },
      `translated +${ms(translatedLat.b)}, fast path +${ms(translatedLat.a)}`,
    ),
  );

  const t = o.throughput;
  const nonStream = await pairedThroughput(gateway(FLOOR), gateway(NON_STREAM), t);
  out.push(
    ratio(
      "non-stream throughput c=64, gateway / floor",
      median(nonStream.rps),
      { atLeast: 0.8, label: "≥ 0.8x" },
      `median of ${ROUNDS} rounds of ${ROUND_SECONDS} s each side (${spread(nonStream.rps)}); gateway ${Math.round(nonStream.bRps)} req/s, floor ${Math.round(nonStream.aRps)} req/s`,
    ),
    ratio("non-stream CPU per request under load, gateway / floor", median(nonStream.cpu), null, spread(nonStream.cpu)),
  );
  const stream = await pairedThroughput(gateway(FLOOR_STREAM), gateway(STREAM), t);
  out.push(
    ratio(
      "stream throughput c=64, gateway / floor",
      median(stream.rps),
      null,
      `${spread(stream.rps)}; gateway ${Math.round(stream.bRps)} req/s, floor ${Math.round(stream.aRps)} req/s`,
    ),
  );
  // Fast path over translated: >1 means the translated stream is slower (the goal: at most 1.5x).
  const translated = await pairedThroughput(gateway(TRANSLATED), gateway(STREAM), t);
  out.push(
    ratio(
      "fast path stream throughput / translated stream's",
      median(translated.rps),
      { atMost: 1.5, label: "≤ 1.5x" },
      `${spread(translated.rps)}; fast path ${Math.round(translated.bRps)} req/s, translated ${Math.round(translated.aRps)} req/s`,
    ),
    ratio(
      "translated stream CPU per request under load / fast path's",
      1 / median(translated.cpu),
      null,
      spread(translated.cpu.map((c) => 1 / c)),
    ),
  );
  return out;
}
