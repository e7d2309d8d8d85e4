// Gateway processes for tests that need the real thing: spawned, booted, their log read.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "../..");

/** Temp folders made by a test file; `removeTempDirs` in its afterAll. */
const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-proc-"));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface Booted {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  bootMs: number;
  /** Everything the process wrote to stderr so far (its log). */
  log(): string;
  /** Resolves once stderr is closed (the process exited). */
  rest: Promise<void>;
}

/** Start a gateway process and wait for its "listening on" line. */
export async function boot(cmd: string[], dataDir: string, env: Record<string, string> = {}, cwd = ROOT): Promise<Booted> {
  const proc = Bun.spawn(cmd, {
    cwd,
    env: {
      PATH: process.env.PATH!,
      HOME: dataDir,
      DATA_DIR: dataDir,
      PORT: "0",
      LOG_LEVEL: "info",
      INITIAL_PASSWORD: "pw-for-tests",
      ...env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stderr.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const started = performance.now();
  while (!/listening on (http:\/\/\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`gateway exited before listening:\n${text}`);
    text += decoder.decode(value, { stream: true });
  }
  const bootMs = performance.now() - started;
  const url = /listening on (http:\/\/\S+)/.exec(text)![1]!.replace("0.0.0.0", "127.0.0.1").replace("[::]", "127.0.0.1");
  const rest = (async () => {
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
  })();
  return { proc, url, bootMs, log: () => text, rest };
}

/** Sign in with the test password; the cookie to send with management calls. */
export async function signIn(url: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ password: "pw-for-tests" }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  return login.headers.get("set-cookie")!.split(";")[0]!;
}
