// The bench's child processes (fake upstream, gateway, load clients): spawning, reading their state, and killing them all.
import type { Subprocess } from "bun";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const BENCH_PASSWORD = "bench-password";

const children = new Set<Subprocess>();
const tempDirs = new Set<string>();

/** Spawn a child that is killed by killAll() (called on exit, on error and on SIGINT/SIGTERM). */
export function spawnTracked(
  cmd: string[],
  opts: { env?: Record<string, string>; stdout?: "pipe" | "ignore"; stderr?: "pipe" | "ignore" | "inherit" } = {},
): Subprocess<"ignore", "pipe" | "ignore", "pipe" | "ignore" | "inherit"> {
  const child = Bun.spawn(cmd, {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdin: "ignore",
    stdout: opts.stdout ?? "pipe",
    stderr: opts.stderr ?? "pipe",
  });
  children.add(child);
  void child.exited.then(() => children.delete(child));
  return child;
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** A process's children, grandchildren... (Linux /proc), e.g. the gateway under `bun run start`. */
function descendants(pid: number): number[] {
  let direct: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      direct.push(...readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number));
    }
  } catch {
    direct = [];
  }
  return direct.flatMap((child) => [child, ...descendants(child)]);
}

/**
 * Kill every child still running, and what runs under it (a SIGKILLed `bun run start` cannot pass the signal on
 * to its gateway), then remove the temp dirs. Synchronous, so it works in an exit handler.
 */
export function killAll(): void {
  for (const child of children) {
    for (const pid of [...descendants(child.pid), child.pid]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Stop a child: SIGTERM (so it can drain and write profiles) when `graceMs` is given, SIGKILL when that runs out. */
export async function stopChild(child: Subprocess, graceMs = 0): Promise<void> {
  if (graceMs > 0) {
    child.kill("SIGTERM");
    if (await Promise.race([child.exited.then(() => true), Bun.sleep(graceMs).then(() => false)])) return;
  }
  child.kill("SIGKILL");
  await child.exited;
}

/** Read a child's output line by line, forever (so its pipe never fills), resolving at the first line matching `pattern`. */
export function waitForLine(
  stream: ReadableStream<Uint8Array>,
  pattern: RegExp,
  timeoutMs: number,
): { match: Promise<RegExpExecArray>; tail: () => string } {
  const lines: string[] = [];
  let resolveMatch!: (m: RegExpExecArray) => void;
  let rejectMatch!: (e: Error) => void;
  const match = new Promise<RegExpExecArray>((res, rej) => {
    resolveMatch = res;
    rejectMatch = rej;
  });
  const timer = setTimeout(
    () => rejectMatch(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.join("\n")}`)),
    timeoutMs,
  );
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = "";
    let found = false;
    for await (const chunk of stream) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf("\n")) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (lines.length > 50) lines.shift();
        const m = !found && pattern.exec(line);
        if (m) {
          found = true;
          clearTimeout(timer);
          resolveMatch(m);
        }
      }
    }
    if (!found) {
      clearTimeout(timer);
      rejectMatch(new Error(`process ended before printing ${pattern}; output:\n${lines.join("\n")}`));
    }
  })();
  return { match, tail: () => lines.join("\n") };
}

export interface Upstream {
  url: string;
  child: Subprocess;
}

export async function startUpstreamProcess(): Promise<Upstream> {
  const child = spawnTracked([process.execPath, "run", "test/bench/upstream-process.ts"], { stderr: "inherit" });
  const m = await waitForLine(child.stdout as ReadableStream<Uint8Array>, /^UPSTREAM (\S+)/, 10_000).match;
  return { url: m[1]!, child };
}

/** The floor: a do-nothing Bun proxy in front of the upstream (test/bench/floor-proxy.ts). */
export async function startFloorProxy(upstreamUrl: string): Promise<Upstream> {
  // The same in-flight fetch cap as the gateway's (`bun run start` sets it): with Bun's default of 256 the floor
  // would queue the streams scenario's 1,000 upstream calls.
  const child = spawnTracked([process.execPath, "run", "test/bench/floor-proxy.ts", upstreamUrl], {
    env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "16384" },
    stderr: "inherit",
  });
  const m = await waitForLine(child.stdout as ReadableStream<Uint8Array>, /^FLOOR (\S+)/, 10_000).match;
  return { url: m[1]!, child };
}

const secret = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");
/** Production mode refuses the default secrets. */
const SECRETS = { JWT_SECRET: secret(), API_KEY_SECRET: secret(), ENCRYPTION_KEY: secret() };

export interface Gateway {
  url: string;
  child: Subprocess;
  /** ms from spawn to the "listening" line. */
  listeningMs: number;
  /** The gateway's own "ready in N ms" figure. */
  selfReportedMs?: number;
  tail: () => string;
}

/** `bun run build`: dist/main.js, the bundle `bun run start` serves from. */
export function buildBundle(): void {
  const build = Bun.spawnSync([process.execPath, "run", "scripts/build.ts"], { cwd: ROOT, stdout: "ignore", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`bun run build failed: ${build.stderr.toString()}`);
}

export interface GatewayOptions {
  /** "start": `bun run start` as a user types it (bundles, then boots); "bundle": `bun dist/main.js` (buildBundle() first). */
  via: "start" | "bundle";
  /** Extra Bun flags for "bundle", e.g. ["--cpu-prof-md", "--cpu-prof-dir=test-output"] (the profile is written on a SIGTERM stop). */
  bunArgs?: string[];
  /** Another bundle to run with "bundle" (default dist/main.js). */
  entry?: string;
  /** Extra environment for the gateway (e.g. OTEL_EXPORTER_OTLP_ENDPOINT for a run with tracing on). */
  env?: Record<string, string>;
}

/** A gateway process; with "start" the child is `bun run start`, which passes signals on to the gateway under it. */
export async function startGateway(
  dataDir: string,
  { via, bunArgs = [], entry = "dist/main.js", env = {} }: GatewayOptions,
): Promise<Gateway> {
  const started = performance.now();
  const cmd = via === "start" ? [process.execPath, "run", "start"] : [process.execPath, ...bunArgs, entry];
  const child = spawnTracked(cmd, {
    // BUN_CONFIG_MAX_HTTP_REQUESTS as `bun run start` sets it (package.json), so "bundle" runs what users run. Every
    // bench client comes from one loopback address: the per-address cap (128 by default) would refuse the 1,000 streams.
    env: {
      DATA_DIR: dataDir,
      PORT: "0",
      HOSTNAME: "127.0.0.1",
      LOG_LEVEL: "info",
      INITIAL_PASSWORD: BENCH_PASSWORD,
      NODE_ENV: "production",
      BUN_CONFIG_MAX_HTTP_REQUESTS: "16384",
      MAX_CONNECTIONS_PER_IP: "0",
      ...SECRETS,
      ...env,
    },
    stdout: "ignore",
  });
  const watch = waitForLine(child.stderr as ReadableStream<Uint8Array>, /listening on (http:\/\/\S+)/, 15_000);
  const m = await watch.match;
  const listeningMs = performance.now() - started;
  const ready = /ready in (\d+) ms/.exec(m.input);
  return { url: m[1]!, child, listeningMs, selfReportedMs: ready ? Number(ready[1]) : undefined, tail: watch.tail };
}

/** Resident memory of a process in MB, from /proc/<pid>/status VmRSS. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14, 15)
  } catch {
    return NaN;
  }
}

/** Children killed however the bench ends. */
export function installCleanup(): void {
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}
