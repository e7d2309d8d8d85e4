// Gateway processes on one PostgreSQL (a cluster in one test): booted with the shared secrets, signed in, stopped as an orchestrator would.
import { boot, signIn, tempDir, type Booted } from "../process/support.ts";

/** The three secrets every instance of one cluster shares (DATABASE_URL refuses to start without them). */
export const CLUSTER_SECRETS = {
  JWT_SECRET: "cluster-jwt-secret-0123456789abcdef",
  API_KEY_SECRET: "cluster-api-key-secret-0123456789abcdef",
  ENCRYPTION_KEY: "cluster-encryption-key-0123456789abcdef",
} as const;

export interface Instance extends Booted {
  dataDir: string;
  /** A management call with the instance's signed-in cookie. */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
}

/** Boots one gateway process on `databaseUrl` (its own DATA_DIR) and signs in. */
export async function startInstance(databaseUrl: string, env: Record<string, string> = {}): Promise<Instance> {
  const dataDir = tempDir();
  const booted = await boot([process.execPath, "src/main.ts"], dataDir, { DATABASE_URL: databaseUrl, ...CLUSTER_SECRETS, ...env });
  const cookie = await signIn(booted.url);
  return {
    ...booted,
    dataDir,
    api(path, init = {}) {
      return fetch(`${booted.url}${path}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: { "content-type": "application/json", cookie, origin: booted.url },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
  };
}

/** Stops an instance the way an orchestrator does (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopInstance(instance: Instance, graceMs = 10_000): Promise<number> {
  instance.proc.kill("SIGTERM");
  const code = await Promise.race([instance.proc.exited, Bun.sleep(graceMs).then(() => undefined)]);
  if (code !== undefined) return code;
  instance.proc.kill("SIGKILL");
  return instance.proc.exited;
}

/** Polls `check` until it holds or `ms` pass; resolves with how long it took (ms). */
export async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    if (await check()) return performance.now() - started;
    await Bun.sleep(25);
  }
  throw new Error(`${what}: not within ${ms} ms`);
}
