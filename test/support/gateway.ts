// Test gateway: a real app on a real port with a real SQLite file in a fresh temp folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import { closeDatabase } from "../../src/db/client.ts";
import { openStore } from "../../src/db/open-store.ts";
import { closePostgresStore } from "../../src/db/pg-store.ts";
import { createServices, type ServiceOptions, type Services } from "../../src/services.ts";
import { sqliteOf } from "./sqlite-of.ts";
import type { Database } from "bun:sqlite";

export interface TestGateway {
  url: string;
  services: Services;
  app: ReturnType<typeof createApp>;
  config: Config;
  /** Sign in and return the cookie header value. */
  login(password?: string): Promise<string>;
  /** A manage-scoped API key for /api calls (created at the first call). */
  adminKey(): Promise<string>;
  /** A call to /api with the admin key and a JSON body, made through `app.request()` (no socket). */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  /** Stop serving, flush and close the database; the data folder goes too unless `keepData` (a restart). Once only. */
  close(opts?: { keepData?: boolean }): Promise<void>;
}

/**
 * The secrets every test gateway shares unless a test sets its own, as gateways of one operator would: a database
 * exported by one opens in another. (A gateway that sets none generates them: test/process/first-start.test.ts.)
 */
export const TEST_SECRETS = {
  JWT_SECRET: "test-jwt-secret-0123456789abcdef",
  API_KEY_SECRET: "test-api-key-secret-0123456789abcdef",
  ENCRYPTION_KEY: "test-encryption-key-0123456789abcdef",
} as const;

export async function startGateway(env: Record<string, string> = {}, options: ServiceOptions = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), "omniroute-test-"));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: "0",
    INITIAL_PASSWORD: "test-password",
    LOG_LEVEL: "error",
    ...TEST_SECRETS,
    ...env,
  });
  // DATABASE_URL in `env`: the gateway runs on that PostgreSQL, as `main.ts` would (several in one test share it).
  const store = await openStore(config);
  const services = await createServices(config, store, options);
  const app = createApp(services);
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: config.idleTimeoutSeconds,
    fetch: (req, server) => app.fetch(req, { server }),
  });
  const url = `http://127.0.0.1:${server.port}`;
  let key: Promise<string> | undefined;
  let closed = false;
  const gw: TestGateway = {
    url,
    services,
    app,
    config,
    async login(password = "test-password") {
      const res = await fetch(`${url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password }),
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
      return res.headers.get("set-cookie")!.split(";")[0]!;
    },
    adminKey() {
      key ??= services.apiKeys.create("test-admin", ["manage"]).then((created) => created.key);
      return key;
    },
    async api(path, init = {}) {
      // Through the app itself, no socket: a management call needs none (tests that need one fetch gw.url).
      return app.request(path, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: { authorization: `Bearer ${await gw.adminKey()}`, "content-type": "application/json" },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
    async close({ keepData = false } = {}) {
      if (closed) return;
      closed = true;
      await server.stop(true);
      // Spans still batched go out (tracing on), as at a process's SIGTERM.
      await services.telemetry.shutdown();
      services.sharedState?.close();
      await services.flush();
      await services.changes.close();
      if (store.dialect === "sqlite") closeDatabase(store.sqlite);
      else await closePostgresStore(store);
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return gw;
}

/** The SQLite database under a test gateway (startGateway runs on SQLite), for tests that look at what is stored raw. */
export function rawDatabase(services: Pick<Services, "store">): Database {
  return sqliteOf(services.store).$client;
}
