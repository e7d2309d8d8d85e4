// The "1,000 streams" scenario: that many streamed calls open at once through the gateway; its memory per open stream,
// /healthz latency throughout (beside the floor's under the same burst), and its memory a minute after they ended.
import { BENCH_PASSWORD, rssMb, spawnTracked, startGateway, stopChild, tempDir, waitForLine } from "./procs.ts";
import { percentile, type Row } from "./report.ts";
import { connectGateway } from "./scenarios.ts";

export interface StreamsOptions {
  count: number;
  /** How long to wait after the streams ended before the last memory reading. */
  settleMs: number;
  upstreamUrl: string;
  floorUrl: string;
  log: (m: string) => void;
  waitHealthy: (url: string) => Promise<void>;
}

/** /healthz timed every `everyMs` until stopped: the event loop's responsiveness as a client sees it. */
function probeHealth(url: string, everyMs: number) {
  const samples: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${url}/healthz`);
        await res.arrayBuffer();
        samples.push(performance.now() - t0);
      } catch {
        samples.push(Number.POSITIVE_INFINITY);
      }
      await Bun.sleep(everyMs);
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** The streamed chat call the scenario opens, at `url` (the gateway's or the floor's /v1/chat/completions). */
function streamsEndpoint(url: string) {
  return {
    url,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "Say something. bench:hold" }], stream: true }),
    stream: true,
  };
}

/** `count` streams opened at once from a client process; resolves once all ended (`onOpen` when each has its first bytes). */
async function openStreams(ep: ReturnType<typeof streamsEndpoint>, count: number, onOpen?: () => void) {
  const child = spawnTracked([process.execPath, "run", "test/bench/streams-client.ts", JSON.stringify({ ep, count })], {
    env: { BUN_CONFIG_MAX_HTTP_REQUESTS: String(count + 64) },
    stderr: "inherit",
  });
  const lines = waitForLine(child.stdout as ReadableStream<Uint8Array>, /^OPEN (\d+)/, 120_000);
  const openMs = Number((await lines.match)[1]);
  onOpen?.();
  await child.exited;
  const done = /DONE (\d+) (\d+)/.exec(lines.tail());
  return { openMs, ok: Number(done?.[1] ?? 0), errors: Number(done?.[2] ?? count) };
}

export async function streamsRows(o: StreamsOptions): Promise<Row[]> {
  const scenario = `${o.count.toLocaleString("en-US")} concurrent streams (each 40 chunks, 250 ms apart: ~10 s)`;
  const gw = await startGateway(tempDir("omniroute-bench-streams-"), { via: "bundle" });
  await o.waitHealthy(gw.url);
  const ctx = await connectGateway(gw.url, o.upstreamUrl, o.floorUrl, BENCH_PASSWORD);
  const ep = streamsEndpoint(`${gw.url}/v1/chat/completions`);
  const run = (count: number, onOpen?: () => void) => openStreams(ep, count, onOpen);
  // Warm-up: every code path of a stream compiled once, so what follows is the streams' own memory.
  await run(64);
  await Bun.sleep(2000);
  const idle = rssMb(gw.child.pid);
  o.log(`streams: opening ${o.count}`);
  const health = probeHealth(gw.url, 20);
  let open = NaN;
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(gw.child.pid));
  }, 100);
  const result = await run(o.count, () => {
    open = rssMb(gw.child.pid);
  });
  clearInterval(sampler);
  await health.stop();
  o.log(`streams: ended; waiting ${o.settleMs / 1000} s for the memory to settle`);
  const after = probeHealth(gw.url, 1000);
  await Bun.sleep(o.settleMs);
  await after.stop();
  const settled = rssMb(gw.child.pid);
  await ctx.manage("GET", "/api/health");
  await stopChild(gw.child, 5000);
  // The same burst through the floor (a do-nothing Bun proxy), probed the same way: what opening that many streams
  // at once holds up in Bun itself. Its probe is proxied to the upstream (the floor has no routes of its own).
  o.log(`streams: the same ${o.count} through the floor`);
  const floorEp = streamsEndpoint(`${o.floorUrl}/v1/chat/completions`);
  await openStreams(floorEp, 64);
  await Bun.sleep(2000);
  const floorHealth = probeHealth(o.floorUrl, 20);
  await openStreams(floorEp, o.count);
  await floorHealth.stop();
  const perStream = ((open - idle) * 1024) / o.count;
  return [
    {
      scenario,
      measure: "all streams open (first bytes of each)",
      gateway: result.openMs,
      unit: "ms",
      digits: 0,
      target: null,
      note: `${result.ok} ended complete, ${result.errors} failed`,
    },
    {
      scenario,
      measure: "memory per open stream ((RSS with all open − RSS before) / streams)",
      gateway: perStream,
      unit: "KB",
      digits: 1,
      target: null,
      note: `RSS before ${idle.toFixed(1)} MB, all open ${open.toFixed(1)} MB, peak ${peak.toFixed(1)} MB`,
    },
    {
      scenario,
      measure: `/healthz latency while they run, p99 (n=${health.samples.length}, every 20 ms)`,
      gateway: percentile(health.samples, 99),
      unit: "ms",
      digits: 1,
      target: { on: "gateway", atMost: 50, label: "< 50 ms" },
      note:
        `p50 ${percentile(health.samples, 50).toFixed(1)} ms, max ${Math.max(...health.samples).toFixed(1)} ms; the floor under the ` +
        `same burst: p99 ${percentile(floorHealth.samples, 99).toFixed(1)} ms, max ${Math.max(...floorHealth.samples).toFixed(1)} ms`,
    },
    {
      scenario,
      measure: `RSS ${o.settleMs / 1000} s after they ended`,
      gateway: settled,
      unit: "MB",
      digits: 1,
      target: { on: "gateway", atMost: idle * 1.2, label: `near the ${idle.toFixed(1)} MB before (≤ +20%)` },
    },
  ];
}
