// `bun run bench`: boots the fake upstream and the gateway as separate processes, measures every scenario, prints a Markdown table.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { pickLoadClient } from "./load.ts";
import { measure, type MeasureOptions } from "./measure.ts";
import { historyRows } from "./history.ts";
import {
  BENCH_PASSWORD,
  ROOT,
  buildBundle,
  installCleanup,
  killAll,
  rssMb,
  startFloorProxy,
  startGateway,
  startUpstreamProcess,
  stopChild,
  tempDir,
  type Gateway,
} from "./procs.ts";
import { ratioRows } from "./ratios.ts";
import { postgresAvailability, postgresRows } from "./postgres.ts";
import { redisRows } from "./redis.ts";
import { streamsRows } from "./streams.ts";
import { median, report, type Row } from "./report.ts";
import { usageRecordingRow } from "./usage-cost.ts";
import { SCENARIOS, connectGateway, type BenchContext, type Metric } from "./scenarios.ts";
import { startSpanSink } from "./span-sink.ts";

const BOOTS = 5;
const IDLE_RSS_TARGET = { on: "gateway" as const, atMost: 50, label: "< 50 MB" };
const LOADED_RSS_TARGET = { on: "gateway" as const, atMost: 120, label: "< 120 MB" };

/**
 * Flags: `--only=load,history,streams,startup,redis,postgres` runs those parts only (redis, postgres: skipped without their servers); `--skip-history` leaves out the 10M-row fill
 * (about two minutes); `--history-rows=N` and `--streams=N` change the sizes. README figures come from a full run.
 */
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v = "true"] = a.replace(/^--/, "").split("=");
    return [k!, v] as const;
  }),
);
const only = args.get("only")?.split(",");
const runs = (part: "startup" | "load" | "history" | "streams" | "redis" | "postgres") =>
  only ? only.includes(part) : part !== "history" || !args.has("skip-history");
const HISTORY_ROWS = Number(args.get("history-rows") ?? 10_000_000);
const STREAMS = Number(args.get("streams") ?? 1000);
const STARTUP_TARGET = { on: "gateway" as const, atMost: 300, label: "< 300 ms" };

async function waitHealthy(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      /* not yet */
    }
    await Bun.sleep(1);
  }
  throw new Error(`${url}/healthz did not answer 200 within ${timeoutMs} ms`);
}

/** One `bun run start` (bundling included, as a user waits for it): ms from spawn to the "listening" line and to the first 200 from /healthz. */
async function boot(dataDir: string): Promise<{ listening: number; healthy: number; self?: number }> {
  const started = performance.now();
  const gw = await startGateway(dataDir, { via: "start" });
  await waitHealthy(gw.url);
  const healthy = performance.now() - started;
  // SIGTERM, which `bun run start` passes on to the gateway under it (a SIGKILL would orphan the gateway).
  await stopChild(gw.child, 5000);
  return { listening: gw.listeningMs, healthy, self: gw.selfReportedMs };
}

async function startupRows(): Promise<Row[]> {
  type Boot = Awaited<ReturnType<typeof boot>>;
  const fresh: Boot[] = [];
  for (let i = 0; i < BOOTS; i++) fresh.push(await boot(tempDir("omniroute-bench-boot-")));
  const reused = tempDir("omniroute-bench-boot-");
  await boot(reused); // migrations run once
  const again: Boot[] = [];
  for (let i = 0; i < BOOTS; i++) again.push(await boot(reused));
  const rows = (label: string, boots: Boot[]): Row[] => [
    {
      scenario: "Gateway process",
      measure: `\`bun run start\` to "listening" line, ${label} (median of ${BOOTS})`,
      gateway: median(boots.map((b) => b.listening)),
      unit: "ms",
      digits: 0,
      target: STARTUP_TARGET,
      note: `gateway's own "ready in": ${median(boots.map((b) => b.self ?? NaN))} ms`,
    },
    {
      scenario: "Gateway process",
      measure: `\`bun run start\` to first 200 /healthz, ${label} (median of ${BOOTS})`,
      gateway: median(boots.map((b) => b.healthy)),
      unit: "ms",
      digits: 0,
      target: STARTUP_TARGET,
    },
  ];
  return [...rows("empty DATA_DIR", fresh), ...rows("existing DATA_DIR", again)];
}

/** Every call of every scenario once, so a broken route fails the bench before any figure is taken. */
async function sanityCheck(ctx: Awaited<ReturnType<typeof connectGateway>>) {
  for (const s of SCENARIOS) {
    for (const ep of [s.direct?.(ctx), s.gateway(ctx)]) {
      if (!ep) continue;
      const res = await fetch(ep.url, { method: "POST", headers: ep.headers, body: ep.body });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${s.name}: ${ep.url} answered ${res.status}: ${text.slice(0, 500)}`);
      if (ep.stream && !text.includes("data:")) throw new Error(`${s.name}: ${ep.url} did not stream: ${text.slice(0, 300)}`);
    }
  }
}

function machine(): string {
  const model = cpus()[0]?.model ?? "unknown CPU";
  const mem = /MemTotal:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1];
  return `${cpus().length} cores (${model}), ${mem ? (Number(mem) / 1024 / 1024).toFixed(1) : "?"} GB RAM, Bun ${Bun.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} at the start`;
}

/**
 * `--tracing`: the gateway exports a span per request and per attempt (OTLP http/protobuf) to a sink in this
 * process that reads and drops them. Without it, metrics are on (always) and tracing is off.
 */
const TRACING = process.argv.includes("--tracing");

/** Every scenario's metrics against one gateway; the floor proxy is measured the same way as the gateway. */
async function loadRows(ctx: BenchContext, gw: Gateway, upstreamPid: number, floorPid: number): Promise<Row[]> {
  const client = pickLoadClient();
  const options: MeasureOptions = {
    latency: { requests: 2000, warmup: 200, batch: 100 },
    ttfb: { requests: 200, warmup: 20, batch: 20 },
    throughput: {
      concurrency: 64,
      seconds: 5,
      warmupSeconds: 1,
      rounds: 3,
      client,
      watch: { gateway: gw.child.pid, upstream: upstreamPid, floor: floorPid },
    },
  };
  const rows: Row[] = [];
  const order: Metric[] = ["latency", "ttfb", "throughput"];
  for (const metric of order) {
    for (const s of SCENARIOS.filter((x) => x.metrics.includes(metric))) {
      process.stderr.write(`[bench] ${metric}: ${s.name}\n`);
      rows.push(...(await measure(s, metric, ctx, options)));
    }
  }
  process.stderr.write("[bench] ratios: the floor and the gateway, the fast path and the translated stream, side by side\n");
  rows.push(...(await ratioRows(ctx, options)));
  return rows;
}

async function main() {
  installCleanup();
  if (!existsSync(join(ROOT, "src/formats/openai-chat/index.ts")))
    throw new Error("src/formats/openai-chat/index.ts is missing: the gateway cannot serve chat yet");
  const t0 = performance.now();
  const rows: Row[] = [];
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

  if (runs("startup")) {
    log("startup: 5 boots on an empty DATA_DIR, 5 on an existing one");
    rows.push(...(await startupRows()));
    log("usage recording: the cost of one row");
    rows.push(await usageRecordingRow());
  }

  log("starting the fake upstream, the floor proxy and the gateway (separate processes)");
  const upstream = await startUpstreamProcess();
  const floor = await startFloorProxy(upstream.url);
  // The bundle `bun run start` serves, run directly: the figures below are the gateway's own, not the `bun run` parent's.
  buildBundle();
  // BENCH_GATEWAY_ARGS="--cpu-prof-md --cpu-prof-dir=test-output" profiles the gateway under the whole load.
  const sink = TRACING ? startSpanSink() : undefined;
  const gw: Gateway = await startGateway(tempDir("omniroute-bench-data-"), {
    via: "bundle",
    bunArgs: process.env.BENCH_GATEWAY_ARGS?.split(" ").filter(Boolean),
    env: sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" } : {},
  });
  await waitHealthy(gw.url);
  await Bun.sleep(500);
  const idleRss = rssMb(gw.child.pid);
  const ctx = await connectGateway(gw.url, upstream.url, floor.url, BENCH_PASSWORD);
  if (runs("load")) {
    for (const s of SCENARIOS) await s.setup?.(ctx);
    await sanityCheck(ctx);
    rows.push(...(await loadRows(ctx, gw, upstream.child.pid, floor.child.pid)));
  }
  await Bun.sleep(500);
  const loadedRss = rssMb(gw.child.pid);
  await stopChild(gw.child, 5000);
  sink?.stop();
  rows.push(
    {
      scenario: "Gateway process",
      measure: "RSS idle, after boot (VmRSS)",
      gateway: idleRss,
      unit: "MB",
      digits: 1,
      target: IDLE_RSS_TARGET,
    },
    {
      scenario: "Gateway process",
      measure: `RSS after the ${runs("load") ? "load above" : "(skipped) load"} (VmRSS)`,
      gateway: loadedRss,
      unit: "MB",
      digits: 1,
      target: LOADED_RSS_TARGET,
    },
  );

  const common = { upstreamUrl: upstream.url, floorUrl: floor.url, log, waitHealthy };
  if (runs("streams")) rows.push(...(await streamsRows({ ...common, count: STREAMS, settleMs: 60_000 })));
  if (runs("redis")) {
    if (Bun.which("redis-server")) rows.push(...(await redisRows(common)));
    else log("redis: skipped, redis-server is not installed (Debian's redis-server package)");
  }
  if (runs("postgres")) {
    const pg = postgresAvailability();
    if (pg.ok) rows.push(...(await postgresRows(common)));
    else log(`postgres: skipped, ${pg.reason}`);
  }
  if (runs("history")) rows.push(...(await historyRows({ ...common, rows: HISTORY_ROWS })));

  const text = report({
    rows,
    seconds: (performance.now() - t0) / 1000,
    header: [
      `Machine: ${machine()}. **The gateway, the fake upstream and the load client share these cores**, so every figure is a lower bound of what the gateway does with a machine of its own.`,
      sink
        ? `Telemetry: Prometheus metrics on (always) and **OpenTelemetry tracing on** (OTLP http/protobuf to a sink in the bench process that drops what it reads: ${sink.exports()} exports, ${(sink.bytes() / 1024 / 1024).toFixed(1)} MB).`
        : "Telemetry: Prometheus metrics on (always), OpenTelemetry tracing off (`--tracing` turns it on).",
      "Separate processes: the fake OpenAI upstream (test/bench/upstream-process.ts), the gateway (`bun dist/main.js`, the bundle `bun run start` builds and serves; LOG_LEVEL=info, temp DATA_DIR), and the bench client.",
      "Latency and time to first byte: sequential Bun fetch calls from the bench process, direct and via the gateway alternating in batches after a warm-up.",
      `Throughput: ${pickLoadClient().name}, 64 connections, 5 s after a 1 s warm-up, 3 runs of each (direct and gateway alternating), the median run reported; CPU is % of one core over the run; "others" is what processes outside the bench used meanwhile (when high, the figures are noisy: run again on a quiet machine).`,
      "The floor: a do-nothing Bun proxy (Bun.serve + fetch + a direct stream, test/bench/floor-proxy.ts) in front of the same upstream, measured like the gateway. The Ratios rows are measured apart, each pair side by side (test/bench/ratios.ts): latency with the two endpoints' requests alternating in batches with the direct call's, throughput as 5 rounds of 3 s each side alternating, the median round's ratio reported (the rounds are listed).",
    ],
    notes: [
      "Direct = the same request sent to the fake upstream itself; through gateway = to /v1/chat/completions with model ds/deepseek-chat (provider ds connected to the fake).",
      "Streams through the gateway ask the upstream for a usage chunk (stream_options.include_usage) and hide it from the client; direct calls do not.",
      "Time to first byte: the fake sends each frame 2 ms after the previous one (the first included).",
    ],
  });
  process.stdout.write(`\n${text}`);
  mkdirSync(join(ROOT, "test-output"), { recursive: true });
  writeFileSync(join(ROOT, "test-output/bench.md"), text);
  log("written to test-output/bench.md");
}

try {
  await main();
} catch (err) {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
} finally {
  killAll();
}
