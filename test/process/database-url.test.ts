// DATABASE_URL at startup: without the shared secrets, or with a PostgreSQL that cannot be reached, the process stops
// at once with a message saying what to do (exit 1), never a stack trace or a half-started gateway.
import { afterAll, expect, test } from "bun:test";
import { CLUSTER_SECRETS } from "../cluster/processes.ts";
import { freeLoopbackPort } from "../support/real-servers.ts";
import { ROOT, removeTempDirs, tempDir } from "./support.ts";

afterAll(removeTempDirs);

async function startFails(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const dataDir = tempDir();
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: dataDir, DATA_DIR: dataDir, PORT: "0", ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  return { code, stderr };
}

test("DATABASE_URL without the three secrets names the missing ones and where to get them", async () => {
  const { code, stderr } = await startFails({ DATABASE_URL: "postgres://u:p@127.0.0.1:5432/db", JWT_SECRET: CLUSTER_SECRETS.JWT_SECRET });
  expect(code).toBe(1);
  expect(stderr).toContain("DATABASE_URL is set but API_KEY_SECRET, ENCRYPTION_KEY are not");
  expect(stderr).toContain("openssl rand -hex 32");
  expect(stderr).not.toContain("    at ");
});

test("a PostgreSQL nobody listens for stops startup naming where, without the password", async () => {
  const port = await freeLoopbackPort();
  const { code, stderr } = await startFails({ DATABASE_URL: `postgres://omni:s3cret-pw@127.0.0.1:${port}/omniroute`, ...CLUSTER_SECRETS });
  expect(code).toBe(1);
  expect(stderr).toContain(`Cannot use the PostgreSQL at 127.0.0.1:${port}/omniroute (DATABASE_URL)`);
  expect(stderr).not.toContain("s3cret-pw");
  expect(stderr).not.toContain("    at ");
}, 30_000);

test("DATABASE_URL that is not a PostgreSQL URL is refused by name", async () => {
  const { code, stderr } = await startFails({ DATABASE_URL: "mysql://u:p@db/x", ...CLUSTER_SECRETS });
  expect(code).toBe(1);
  expect(stderr).toContain("DATABASE_URL: must be a PostgreSQL URL");
});
