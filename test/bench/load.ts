// Load generators: sequential latency and time to first byte (in-process fetch), throughput (wrk, or Bun worker processes).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpuSeconds, spawnTracked, tempDir } from "./procs.ts";

/** One HTTP call the bench makes, to the upstream directly or to the gateway. */
export interface Endpoint {
  url: string;
  headers: Record<string, string>;
  body: string;
  stream: boolean;
}

async function expectOk(res: Response, ep: Endpoint): Promise<void> {
  if (res.status === 200) return;
  throw new Error(`${ep.url} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
}

/** ms for one whole request (headers and body read to the end). */
export async function timeRequest(ep: Endpoint): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(ep.url, { method: "POST", headers: ep.headers, body: ep.body });
  await expectOk(res, ep);
  await res.arrayBuffer();
  return performance.now() - t0;
}

/** ms until the first byte of the response body, then the body is drained. */
export async function timeFirstByte(ep: Endpoint): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(ep.url, { method: "POST", headers: ep.headers, body: ep.body });
  await expectOk(res, ep);
  const reader = res.body!.getReader();
  const first = await reader.read();
  const t = performance.now() - t0;
  if (first.done || first.value.length === 0) throw new Error(`${ep.url} sent an empty body`);
  while (!(await reader.read()).done) {
    /* drain */
  }
  return t;
}

/**
 * Sequential calls, alternating between endpoints in batches so that drift (JIT, CPU frequency, other load)
 * hits every endpoint alike. Returns the samples of each endpoint, in order.
 */
export async function alternate(
  endpoints: Endpoint[],
  perEndpoint: number,
  batch: number,
  time: (ep: Endpoint) => Promise<number>,
): Promise<number[][]> {
  const samples = endpoints.map(() => [] as number[]);
  for (let done = 0; done < perEndpoint; done += batch) {
    const n = Math.min(batch, perEndpoint - done);
    for (let e = 0; e < endpoints.length; e++) {
      for (let i = 0; i < n; i++) samples[e]!.push(await time(endpoints[e]!));
    }
  }
  return samples;
}

export interface ThroughputResult {
  rps: number;
  errors: number;
  /** Latency under load, when the client measures it (wrk). */
  p50Ms?: number;
  p99Ms?: number;
  /** CPU use during the run in % of one core, per process role. */
  cpu: Record<string, number>;
}

export interface LoadClient {
  name: string;
  run(
    ep: Endpoint,
    opts: { concurrency: number; seconds: number; warmupSeconds: number; watch: Record<string, number> },
  ): Promise<ThroughputResult>;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  // cpu  user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** Starts watching CPU use; the returned function gives % of one core per watched pid and for the whole machine. */
function cpuPercent(watch: Record<string, number>) {
  const t0 = performance.now();
  const before = Object.fromEntries(Object.entries(watch).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const machine0 = machineBusySeconds();
  return (): Record<string, number> => {
    const wall = (performance.now() - t0) / 1000;
    const usage = Object.fromEntries(Object.entries(watch).map(([k, pid]) => [k, ((cpuSeconds(pid) - before[k]!) / wall) * 100]));
    return { ...usage, machine: ((machineBusySeconds() - machine0) / wall) * 100 };
  };
}

/** Adds the client's share and what is left for processes outside the bench ("others") to a cpuPercent() reading. */
function withClient(usage: Record<string, number>, client: number): Record<string, number> {
  const { machine, ...own } = usage;
  const ours = Object.values(own).reduce((a, b) => a + b, 0) + client;
  return { ...own, client, ...(machine === undefined ? {} : { others: Math.max(0, machine - ours) }) };
}

function wrkDuration(text: string): number {
  const m = /^\s*([\d.]+)(us|ms|s|m)\s*$/.exec(text);
  if (!m) return NaN;
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as "us" | "ms" | "s" | "m"];
  return Number(m[1]) * scale;
}

/** wrk with one thread (an epoll loop in C: it uses a fraction of what the gateway uses per request). */
export function wrkClient(wrkPath: string): LoadClient {
  const dir = tempDir("omniroute-bench-wrk-");
  let scripts = 0;
  return {
    name: "wrk (1 thread)",
    async run(ep, opts) {
      const script = join(dir, `post-${scripts++}.lua`);
      const headers = Object.entries(ep.headers)
        .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
        .join("\n");
      writeFileSync(script, `wrk.method = "POST"\nwrk.body = [==[${ep.body}]==]\n${headers}\n`);
      const wrk = async (seconds: number) => {
        const child = spawnTracked([wrkPath, "-t1", `-c${opts.concurrency}`, `-d${seconds}s`, "--latency", "-s", script, ep.url]);
        const [out, code] = await Promise.all([new Response(child.stdout as ReadableStream).text(), child.exited]);
        if (code !== 0) throw new Error(`wrk exited ${code}: ${out}`);
        return { out, cpu: Number(child.resourceUsage()?.cpuTime.total ?? NaN) };
      };
      if (opts.warmupSeconds > 0) await wrk(opts.warmupSeconds);
      const cpu = cpuPercent(opts.watch);
      const { out, cpu: clientMicros } = await wrk(opts.seconds);
      const usage = cpu();
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
      if (!Number.isFinite(rps)) throw new Error(`could not read wrk's output:\n${out}`);
      return {
        rps,
        errors: non2xx + socketErrors,
        p50Ms: wrkDuration(/^\s*50%\s+(\S+)/m.exec(out)?.[1] ?? ""),
        p99Ms: wrkDuration(/^\s*99%\s+(\S+)/m.exec(out)?.[1] ?? ""),
        cpu: withClient(usage, (clientMicros / 1e6 / opts.seconds) * 100),
      };
    },
  };
}

/** Bun fetch loops in `processes` separate processes (one Bun process alone saturates a core before the gateway does). */
export function bunClient(processes: number): LoadClient {
  return {
    name: `Bun fetch in ${processes} worker processes`,
    async run(ep, opts) {
      const perProcess = Math.ceil(opts.concurrency / processes);
      const config = JSON.stringify({ ep, concurrency: perProcess, warmupMs: opts.warmupSeconds * 1000, durationMs: opts.seconds * 1000 });
      const workers = Array.from({ length: processes }, () =>
        spawnTracked([process.execPath, "run", "test/bench/load-worker.ts", config], { stderr: "inherit" }),
      );
      let cpu: (() => Record<string, number>) | undefined;
      const startCpu = setTimeout(
        () => {
          cpu = cpuPercent(opts.watch);
        },
        300 + opts.warmupSeconds * 1000,
      ); // ~300 ms for Bun to start
      const outputs = await Promise.all(
        workers.map(async (w) => {
          const out = await new Response(w.stdout as ReadableStream).text();
          if ((await w.exited) !== 0) throw new Error(`load worker failed: ${out}`);
          return JSON.parse(out) as { count: number; errors: number; cpuSeconds: number };
        }),
      );
      clearTimeout(startCpu);
      const usage = cpu?.() ?? {};
      return {
        rps: outputs.reduce((a, o) => a + o.count, 0) / opts.seconds,
        errors: outputs.reduce((a, o) => a + o.errors, 0),
        cpu: withClient(usage, (outputs.reduce((a, o) => a + o.cpuSeconds, 0) / opts.seconds) * 100),
      };
    },
  };
}

/** wrk when installed (`apt-get install wrk`), otherwise Bun worker processes. */
export function pickLoadClient(): LoadClient {
  const wrk = process.env.BENCH_CLIENT === "bun" ? null : Bun.which("wrk");
  return wrk ? wrkClient(wrk) : bunClient(2);
}
