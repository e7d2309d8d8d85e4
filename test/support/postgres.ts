// A real PostgreSQL for tests: Debian's binaries, a throwaway cluster in a temp folder on a free loopback port (as the `postgres` user when run as root).
import { SQL } from "bun";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithServer, freeLoopbackPort, portIsOpen, waitUntil, type Availability, type ServerHandle } from "./real-servers.ts";

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication, loopback only). */
  url: string;
  port: number;
  /** The temp folder holding the cluster, its socket and its log; removed by `stop()`. */
  folder: string;
  /** A new database on this server (empty, or a copy of `template`), for a test that needs a clean one; returns its URL. */
  createDatabase(template?: string): Promise<string>;
  /**
   * An outage: the server stops (`pg_ctl stop -m fast`: connections cut, what was committed kept; `immediate` would lose
   * commits, since the test server runs with synchronous_commit and fsync off), its data kept.
   */
  pause(): Promise<void>;
  /** The server back on the same port with the same data, after `pause()`. */
  resume(): Promise<void>;
  /** Fast shutdown (`pg_ctl stop -m fast`), then the folder goes. Once only. */
  stop(): Promise<void>;
}

const NEEDED = ["initdb", "pg_ctl", "postgres"] as const;

/** Where the server binaries are: `pg_config --bindir`, Debian's /usr/lib/postgresql/<newest>/bin, then PATH. */
function findBindir(): string | undefined {
  const complete = (dir: string) => NEEDED.every((b) => existsSync(join(dir, b)));
  const candidates: string[] = [];
  const pgConfig = Bun.which("pg_config");
  if (pgConfig) {
    const out = Bun.spawnSync([pgConfig, "--bindir"], { stderr: "ignore" });
    if (out.success) candidates.push(out.stdout.toString().trim());
  }
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, "bin")));
  }
  const initdb = Bun.which("initdb");
  if (initdb) candidates.push(join(initdb, ".."));
  return candidates.find(complete);
}

/** The user the cluster runs as: the current one, or `postgres` when we are root (initdb refuses root). */
function clusterUser():
  | { asRoot: false }
  | { asRoot: true; uid: number; gid: number; wrap: (cmd: string[]) => string[] }
  | { error: string } {
  if (process.getuid?.() !== 0) return { asRoot: false };
  const id = (flag: string) => {
    const out = Bun.spawnSync(["id", flag, "postgres"], { stderr: "ignore" });
    return out.success ? Number(out.stdout.toString().trim()) : undefined;
  };
  const uid = id("-u");
  const gid = id("-g");
  if (uid === undefined || gid === undefined) return { error: "running as root and there is no `postgres` user to run initdb as" };
  const runuser = Bun.which("runuser") ?? (existsSync("/usr/sbin/runuser") ? "/usr/sbin/runuser" : undefined);
  if (runuser) return { asRoot: true, uid, gid, wrap: (cmd) => [runuser, "-u", "postgres", "--", ...cmd] };
  const su = Bun.which("su");
  if (!su) return { error: "running as root with neither runuser nor su to switch to the `postgres` user" };
  return {
    asRoot: true,
    uid,
    gid,
    wrap: (cmd) => [su, "postgres", "-s", "/bin/sh", "-c", cmd.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ")],
  };
}

let probed: { bindir: string } | { reason: string } | undefined;

function probe(): { bindir: string } | { reason: string } {
  probed ??= (() => {
    const bindir = findBindir();
    if (!bindir)
      return {
        reason: "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; install Debian's `postgresql` package (.ci/run does)",
      };
    const user = clusterUser();
    return "error" in user ? { reason: user.error } : { bindir };
  })();
  return probed;
}

/** Whether a test PostgreSQL can start here, and if not, why. */
export function postgresAvailability(): Availability {
  const found = probe();
  return "bindir" in found ? { ok: true } : { ok: false, reason: found.reason };
}

/** Servers this process started and has not stopped: stopped at exit so a crashed test file leaves none behind. */
const running = new Set<() => void>();
process.on("exit", () => {
  for (const stopNow of running) stopNow();
});

/** Runs a command to its end; throws with its own words when it fails. */
async function run(cmd: string[], cwd: string, what: string): Promise<void> {
  const child = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}): ${err.trim() || out.trim()}`);
}

/** Starts a fresh cluster; throws with initdb's or the server log's words when it cannot. */
export async function startPostgres(): Promise<TestPostgres> {
  const found = probe();
  if (!("bindir" in found)) throw new Error(`PostgreSQL unavailable: ${found.reason}`);
  const user = clusterUser();
  if ("error" in user) throw new Error(user.error);
  const as = (cmd: string[]) => (user.asRoot ? user.wrap(cmd) : cmd);
  const pgCtl = join(found.bindir, "pg_ctl");

  const folder = mkdtempSync(join(tmpdir(), "omniroute-pg-"));
  const data = join(folder, "data");
  mkdirSync(data, { mode: 0o700 });
  if (user.asRoot) {
    chownSync(folder, user.uid, user.gid);
    chownSync(data, user.uid, user.gid);
  }
  const stopNow = () => {
    Bun.spawnSync(as([pgCtl, "stop", "-D", data, "-m", "immediate"]), { cwd: folder, stdout: "ignore", stderr: "ignore" });
    rmSync(folder, { recursive: true, force: true });
  };

  try {
    await run(
      as([join(found.bindir, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]),
      folder,
      "initdb",
    ).catch((error: Error) => {
      // Under root the cluster runs as `postgres`, which must be able to reach the temp folder (TMPDIR).
      throw user.asRoot
        ? new Error(`${error.message} (the postgres user must be able to reach ${folder}; set TMPDIR to a folder it can, such as /tmp)`)
        : error;
    });
    const log = join(folder, "server.log");
    // A free port can be taken between the OS handing it out and the server binding it: then try another one.
    for (let tries = 1; ; tries++) {
      const port = await freeLoopbackPort();
      const options = [
        `-p ${port}`,
        "-c listen_addresses=127.0.0.1",
        `-k '${folder}'`,
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
      ].join(" ");
      running.add(stopNow);
      try {
        await run(as([pgCtl, "start", "-D", data, "-w", "-t", "60", "-l", log, "-o", options]), folder, "pg_ctl start");
      } catch (error) {
        const why = existsSync(log) ? readFileSync(log, "utf8") : "";
        if (tries < 3 && /could not bind|address already in use/i.test(why)) continue;
        throw new Error(`${(error as Error).message}\n${why.trim().split("\n").slice(-5).join("\n")}`);
      }
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      await waitUntil(`PostgreSQL on port ${port}`, () => acceptsQueries(url), 30_000);
      const outage = {
        pause: () => run(as([pgCtl, "stop", "-D", data, "-m", "fast", "-w"]), folder, "pg_ctl stop"),
        resume: async () => {
          await run(as([pgCtl, "start", "-D", data, "-w", "-t", "60", "-l", log, "-o", options]), folder, "pg_ctl start");
          await waitUntil(`PostgreSQL back on port ${port}`, () => acceptsQueries(url), 30_000);
        },
      };
      return server(url, port, folder, outage, async () => {
        running.delete(stopNow);
        try {
          await run(as([pgCtl, "stop", "-D", data, "-m", "fast", "-w"]), folder, "pg_ctl stop");
        } finally {
          rmSync(folder, { recursive: true, force: true });
        }
      });
    }
  } catch (error) {
    running.delete(stopNow);
    stopNow();
    throw error;
  }
}

async function acceptsQueries(url: string): Promise<boolean> {
  const sql = new SQL(url, { max: 1, connectionTimeout: 2 });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.close();
  }
}

function server(
  url: string,
  port: number,
  folder: string,
  outage: Pick<TestPostgres, "pause" | "resume">,
  shutdown: () => Promise<void>,
): TestPostgres {
  let databases = 0;
  let stopped = false;
  return {
    url,
    port,
    folder,
    ...outage,
    async createDatabase(template?: string) {
      const name = `test_${++databases}`;
      const admin = new SQL(url, { max: 1 });
      try {
        await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ""}`);
      } finally {
        await admin.close();
      }
      return url.replace(/\/postgres$/, `/${name}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await shutdown();
      await waitUntil(`port ${port} to close`, async () => !(await portIsOpen(port)), 10_000);
    },
  };
}

/** `describe` with a PostgreSQL started once for the suite, or skipped with the reason when the binaries are missing. */
export function describeWithPostgres(name: string, fn: (postgres: ServerHandle<TestPostgres>) => void): void {
  describeWithServer("PostgreSQL", postgresAvailability(), startPostgres, name, fn);
}
