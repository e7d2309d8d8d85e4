// deploy/cluster/nginx.conf run for real: Debian's nginx in the foreground on a free port, in front of the given gateways.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeLoopbackPort, portIsOpen, waitUntil, type Availability } from "./real-servers.ts";

const CONF = join(import.meta.dir, "../../deploy/cluster/nginx.conf");

export function nginxAvailability(): Availability {
  return Bun.which("nginx") || Bun.which("/usr/sbin/nginx")
    ? { ok: true }
    : { ok: false, reason: "nginx not found; install Debian's `nginx-light` package (.ci/run does)" };
}

export interface TestNginx {
  url: string;
  stop(): Promise<void>;
}

/**
 * The shipped nginx.conf with only what a test machine must change: the replicas' addresses (`host:port` of each
 * gateway, in the order of its `server` lines), the port it listens on, and where it keeps its files.
 */
export async function startNginx(gateways: string[]): Promise<TestNginx> {
  const binary = Bun.which("nginx") ?? "/usr/sbin/nginx";
  const prefix = mkdtempSync(join(tmpdir(), "omniroute-nginx-"));
  mkdirSync(join(prefix, "logs"));
  const port = await freeLoopbackPort();
  let replica = 0;
  const conf = readFileSync(CONF, "utf8")
    .replace(/server omniroute-\d+:20128/g, () => `server ${gateways[replica++]}`)
    .replace("listen 20128;", `listen 127.0.0.1:${port};`)
    .replace("http {", `http {\n  client_body_temp_path ${prefix}/body;\n  proxy_temp_path ${prefix}/proxy;\n  access_log off;`);
  if (replica !== gateways.length) throw new Error(`nginx.conf names ${replica} replicas, the test gave ${gateways.length}`);
  const path = join(prefix, "nginx.conf");
  writeFileSync(path, conf);
  const proc = Bun.spawn(
    [
      binary,
      "-p",
      prefix,
      "-c",
      path,
      "-e",
      join(prefix, "logs/error.log"),
      "-g",
      `daemon off; pid ${prefix}/nginx.pid;${process.getuid?.() === 0 ? " user root;" : ""}`,
    ],
    { stdout: "ignore", stderr: "pipe" },
  );
  try {
    await waitUntil(`nginx on port ${port}`, () => portIsOpen(port), 10_000);
  } catch (error) {
    proc.kill("SIGKILL");
    throw new Error(`${(error as Error).message}: ${await new Response(proc.stderr).text()}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      proc.kill("SIGQUIT");
      await proc.exited;
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
