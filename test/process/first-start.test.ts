// The real process on a fresh DATA_DIR: secrets generated once and reused, 0600/0700 files, 123456 only on loopback in development.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../..");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-first-"));
  dirs.push(dir);
  return join(dir, "data");
}

interface Running {
  proc: ReturnType<typeof Bun.spawn>;
  url: string;
  log: () => string;
}

/** `bun src/main.ts` with only `env` (and PATH, HOME); resolves once it listens, with its log so far and after. */
async function boot(env: Record<string, string>): Promise<Running> {
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: env.DATA_DIR!, PORT: "0", LOG_LEVEL: "info", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stderr.getReader();
  let text = "";
  while (!/listening on (http:\/\/\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`gateway exited before listening:\n${text}`);
    text += new TextDecoder().decode(value);
  }
  const url = /listening on (http:\/\/\S+)/.exec(text)![1]!.replace("0.0.0.0", "127.0.0.1").replace("[::]", "127.0.0.1");
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += new TextDecoder().decode(value);
    }
  })();
  return { proc, url, log: () => text };
}

/** Runs `bun src/main.ts` expected to stop at startup: its exit code and what it printed. */
async function refused(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: env.DATA_DIR!, PORT: "0", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  return { code, stderr };
}

async function stop(running: Running): Promise<void> {
  running.proc.kill("SIGTERM");
  expect(await running.proc.exited).toBe(0);
}

const login = (url: string, password: string) =>
  fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ password }) });

const mode = (path: string) => statSync(path).mode & 0o777;

describe("first start with no configuration (loopback, development)", () => {
  test("generates the secrets into DATA_DIR/secrets.json (0600, folder 0700), signs in with 123456, and the next start reuses them", async () => {
    const dataDir = tempDir();
    const first = await boot({ DATA_DIR: dataDir });
    let cookie: string;
    let key: string;
    try {
      const secretsFile = join(dataDir, "secrets.json");
      expect(first.log()).toContain(`JWT_SECRET, API_KEY_SECRET, ENCRYPTION_KEY from ${secretsFile}`);
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(secretsFile)).toBe(0o600);
      expect(mode(join(dataDir, "omniroute.sqlite"))).toBe(0o600);
      const stored = JSON.parse(readFileSync(secretsFile, "utf8"));
      for (const name of ["jwtSecret", "apiKeySecret", "encryptionKey"]) expect(stored[name]).toMatch(/^[0-9a-f]{64}$/);

      const res = await login(first.url, "123456");
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ defaultPassword: true });
      cookie = res.headers.get("set-cookie")!.split(";")[0]!;
      const created = await fetch(`${first.url}/api/keys`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({ name: "ci", scopes: ["manage"] }),
      });
      key = (await created.json()).key;
      // A backup written now is 0600 too.
      const exported = await fetch(`${first.url}/api/db-backups/export`, { headers: { cookie } });
      expect(exported.status).toBe(200);
      await exported.arrayBuffer();
    } finally {
      await stop(first);
    }
    const before = readFileSync(join(dataDir, "secrets.json"), "utf8");

    const second = await boot({ DATA_DIR: dataDir });
    try {
      expect(readFileSync(join(dataDir, "secrets.json"), "utf8")).toBe(before);
      // The session and the API key of the first run still open the API.
      expect((await fetch(`${second.url}/api/keys`, { headers: { cookie } })).status).toBe(200);
      expect((await fetch(`${second.url}/api/keys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    } finally {
      await stop(second);
    }
  }, 30_000);

  test("a secret set in the environment wins over the file", async () => {
    const dataDir = tempDir();
    const first = await boot({ DATA_DIR: dataDir });
    await stop(first);
    const stored = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8"));
    const second = await boot({ DATA_DIR: dataDir, JWT_SECRET: "an-operator-chosen-secret-of-32-chars" });
    try {
      expect(second.log()).toContain("API_KEY_SECRET, ENCRYPTION_KEY from");
      expect(second.log()).not.toContain("JWT_SECRET, API_KEY_SECRET");
      expect(JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8"))).toEqual(stored);
    } finally {
      await stop(second);
    }
  }, 30_000);
});

describe("an exposed first start (NODE_ENV=production, HOSTNAME=0.0.0.0) with no INITIAL_PASSWORD", () => {
  test("refuses 123456, prints a random password once in the log, and the login page says where to find it", async () => {
    const dataDir = tempDir();
    const running = await boot({ DATA_DIR: dataDir, NODE_ENV: "production", HOSTNAME: "0.0.0.0" });
    try {
      const printed = /The dashboard password is: (\S+)/.exec(running.log());
      expect(printed).not.toBeNull();
      expect((await login(running.url, "123456")).status).toBe(401);
      const status = await (await fetch(`${running.url}/api/auth/status`)).json();
      expect(status).toMatchObject({ defaultPassword: false, generatedPassword: true });
      expect(await (await fetch(`${running.url}/login`)).text()).toContain("printed once in the gateway&#39;s log");
      expect((await login(running.url, printed![1]!)).status).toBe(200);
    } finally {
      await stop(running);
    }
  }, 30_000);

  test("the README's VPS environment file (no secrets) starts, answers its BASE_URL host behind a proxy and no other", async () => {
    const dataDir = tempDir();
    const running = await boot({
      DATA_DIR: dataDir,
      NODE_ENV: "production",
      HOSTNAME: "127.0.0.1",
      BASE_URL: "https://omni.example.com",
      AUTH_COOKIE_SECURE: "true",
    });
    try {
      const password = /The dashboard password is: (\S+)/.exec(running.log())![1]!;
      const viaProxy = await fetch(`${running.url}/api/auth/login`, {
        method: "POST",
        headers: { host: "omni.example.com", "content-type": "application/json" },
        body: JSON.stringify({ password }),
      });
      expect(viaProxy.status).toBe(200);
      expect(viaProxy.headers.get("set-cookie")).toContain("Secure");
      expect((await fetch(`${running.url}/healthz`, { headers: { host: "rebind.attacker.test" } })).status).toBe(421);
    } finally {
      await stop(running);
    }
  }, 30_000);

  test("the README's public secrets or INITIAL_PASSWORD=123456 stop it with what to set instead", async () => {
    const dataDir = tempDir();
    const withSecret = await refused({ DATA_DIR: dataDir, NODE_ENV: "production", JWT_SECRET: "omniroute-default-secret-change-me" });
    expect(withSecret.code).toBe(1);
    expect(withSecret.stderr).toContain("JWT_SECRET is the public example value and this gateway runs with NODE_ENV=production");
    expect(withSecret.stderr).toContain("Remove it from the environment");
    const withPassword = await refused({ DATA_DIR: dataDir, HOSTNAME: "0.0.0.0", INITIAL_PASSWORD: "123456" });
    expect(withPassword.code).toBe(1);
    expect(withPassword.stderr).toContain(
      'INITIAL_PASSWORD is the public default "123456" and this gateway listens beyond loopback (HOSTNAME=0.0.0.0)',
    );
  }, 30_000);

  test("a folder set up on loopback with 123456 and later exposed gets a random password instead", async () => {
    const dataDir = tempDir();
    await stop(await boot({ DATA_DIR: dataDir }));
    const exposed = await boot({ DATA_DIR: dataDir, HOSTNAME: "0.0.0.0" });
    try {
      expect(exposed.log()).toContain("was still the default 123456");
      expect((await login(exposed.url, "123456")).status).toBe(401);
      const printed = /The dashboard password is: (\S+)/.exec(exposed.log())![1]!;
      expect((await login(exposed.url, printed)).status).toBe(200);
    } finally {
      await stop(exposed);
    }
  }, 30_000);
});
