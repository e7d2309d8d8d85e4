// A real Redis for tests: Debian's redis-server on a free loopback port, nothing persisted, its folder a temp one.
import { RedisClient } from "bun";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithServer, freeLoopbackPort, portIsOpen, waitUntil, type Availability, type ServerHandle } from "./real-servers.ts";

export interface TestRedis {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Its working folder (--dir) and log; removed by `stop()`. */
  folder: string;
  /** SIGTERM, then the folder goes. Once only. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: the port closes, the folder stays so `restart()` can bring it back (empty) on the same port. */
  kill(): Promise<void>;
  /** Starts a server again on the same port after `kill()`; its data is gone (nothing is persisted). */
  restart(): Promise<void>;
}

/** Whether a test Redis can start here, and if not, why. */
export function redisAvailability(): Availability {
  return Bun.which("redis-server")
    ? { ok: true }
    : { ok: false, reason: "redis-server not found; install Debian's `redis-server` package (.ci/run does)" };
}

const running = new Set<() => void>();
process.on("exit", () => {
  for (const killNow of running) killNow();
});

/** Starts a fresh redis-server; throws with its log's last lines when it cannot. */
export async function startRedis(): Promise<TestRedis> {
  const binary = Bun.which("redis-server");
  if (!binary) throw new Error(`Redis unavailable: ${(redisAvailability() as { reason: string }).reason}`);
  const folder = mkdtempSync(join(tmpdir(), "omniroute-redis-"));
  const log = join(folder, "redis.log");

  const launch = async (port: number) => {
    const child = Bun.spawn(
      [
        binary,
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        folder,
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--logfile",
        log,
      ],
      { cwd: folder, stdin: "ignore", stdout: "ignore", stderr: "ignore" },
    );
    const killNow = () => child.kill("SIGKILL");
    running.add(killNow);
    const url = `redis://127.0.0.1:${port}`;
    try {
      await waitUntil(
        `redis-server on port ${port}`,
        async () => {
          if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${lastLines(log)}`);
          return answersPing(url);
        },
        15_000,
      );
    } catch (error) {
      killNow();
      running.delete(killNow);
      throw error;
    }
    return { child, killNow };
  };

  let port = 0;
  let current: Awaited<ReturnType<typeof launch>> | undefined;
  // A free port can be taken between the OS handing it out and the server binding it: then try another one.
  for (let tries = 1; !current; tries++) {
    port = await freeLoopbackPort();
    try {
      current = await launch(port);
    } catch (error) {
      if (tries >= 3 || !/address already in use/i.test(String(error))) {
        rmSync(folder, { recursive: true, force: true });
        throw error;
      }
    }
  }

  const end = async (signal: "SIGTERM" | "SIGKILL") => {
    if (!current) return;
    const { child, killNow } = current;
    current = undefined;
    child.kill(signal);
    await child.exited;
    running.delete(killNow);
    await waitUntil(`port ${port} to close`, async () => !(await portIsOpen(port)), 10_000);
  };
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    folder,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await end("SIGTERM");
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
    kill: () => end("SIGKILL"),
    async restart() {
      if (stopped) throw new Error("restart after stop()");
      if (current) throw new Error("restart() is for a killed server; this one is running");
      current = await launch(port);
    },
  };
}

async function answersPing(url: string): Promise<boolean> {
  const client = new RedisClient(url, { autoReconnect: false, connectionTimeout: 1000, enableOfflineQueue: false });
  try {
    // Without the offline queue a command sent before the connection is up fails at once: connect first.
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.close();
  }
}

function lastLines(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-5).join("\n");
  } catch {
    return "(no log)";
  }
}

/** `describe` with a Redis started once for the suite, or skipped with the reason when redis-server is missing. */
export function describeWithRedis(name: string, fn: (redis: ServerHandle<TestRedis>) => void): void {
  describeWithServer("Redis", redisAvailability(), startRedis, name, fn);
}
