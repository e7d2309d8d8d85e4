// The real process: `bun run start` bundles and boots, SIGTERM drains streams in flight and exits 0, the compiled binary runs alone.
import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { ROOT, boot, removeTempDirs, tempDir } from "./support.ts";

afterAll(removeTempDirs);

describe("process lifecycle", () => {
  test("`bun run start` serves from the bundle; SIGTERM lets a stream in flight finish, writes its usage row, and exits 0", async () => {
    const upstream = startOpenAIUpstream({ kind: "text", text: "one two three four five six seven eight", chunks: 8, delayMs: 100 });
    const dataDir = tempDir();
    // `bun run start` is the parent here: the signal below reaches the gateway through it, as under a supervisor.
    const { proc, url } = await boot([process.execPath, "run", "start"], dataDir);
    try {
      const login = await fetch(`${url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password: "pw-for-tests" }),
      });
      const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
      const conn = await fetch(`${url}/api/providers`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, origin: url },
        body: JSON.stringify({ provider: "ds", apiKey: "k", baseUrl: `${upstream.url}/v1` }),
      });
      expect(conn.status).toBe(201);
      // count_tokens against an OpenAI-format provider: the gateway's own estimate, inside the bundle.
      const counted = await fetch(`${url}/v1/messages/count_tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "count these words please" }] }),
      });
      expect(await counted.json()).toEqual({ input_tokens: 7 });

      const res = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "count" }] }),
      });
      expect(res.status).toBe(200);
      const reading = res.text();
      await Bun.sleep(150);
      proc.kill("SIGTERM");
      const body = await reading;
      expect(body).toContain("[DONE]");
      const text = body
        .split("\n")
        .filter((l) => l.startsWith("data: {"))
        .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? "")
        .join("");
      expect(text).toBe("one two three four five six seven eight");
      expect(await proc.exited).toBe(0);

      const db = new Database(join(dataDir, "omniroute.sqlite"), { readonly: true });
      const row = db.query("select status, output_tokens from usage_log order by id desc limit 1").get() as {
        status: number;
        output_tokens: number;
      };
      db.close();
      expect(row.status).toBe(200);
      expect(row.output_tokens).toBeGreaterThan(0);
    } finally {
      proc.kill("SIGKILL");
      await upstream.close();
    }
  }, 30_000);

  test("the compiled binary runs with no checkout beside it, and takes the same commands", async () => {
    const outDir = tempDir();
    const binary = join(outDir, "omniroute");
    const build = Bun.spawnSync([process.execPath, "run", "scripts/build-binary.ts", binary], {
      cwd: ROOT,
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(build.exitCode, build.stderr.toString()).toBe(0);

    const runDir = tempDir();
    const command = (...args: string[]) =>
      Bun.spawnSync([binary, ...args], {
        cwd: runDir,
        env: { PATH: process.env.PATH!, HOME: runDir, DATA_DIR: runDir },
        stdout: "pipe",
        stderr: "pipe",
      });
    const { proc, url } = await boot([binary], runDir, {}, runDir);
    try {
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok", store: { kind: "sqlite", reachable: true } });
      const login = await fetch(`${url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password: "pw-for-tests" }),
      });
      expect(login.status).toBe(200);
      const models = await fetch(`${url}/v1/models`);
      expect((await models.json()).object).toBe("list");
      // count_tokens against an OpenAI-format provider: the gateway's own estimate, inside the binary.
      const counted = await fetch(`${url}/v1/messages/count_tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "count these words please" }] }),
      });
      expect(await counted.json()).toEqual({ input_tokens: 7 });
      // The same commands as `bun run omniroute -- ...`: refused while the gateway holds the data folder, run once it stopped.
      const refused = command("password", "reset");
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr.toString()).toContain("stop it first");
    } finally {
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    }
    const reset = command("password", "reset");
    expect(reset.exitCode, reset.stderr.toString()).toBe(0);
    expect(reset.stdout.toString()).toMatch(/^New dashboard password: \S+/);
    const exported = command("config", "export");
    expect(exported.exitCode, exported.stderr.toString()).toBe(0);
    expect(exported.stdout.toString()).toContain("settings:\n  requireLogin: true");
  }, 120_000);
});

describe("one gateway per DATA_DIR", () => {
  test("a second gateway on the same DATA_DIR stops at once with a message saying why; the first keeps serving", async () => {
    const dataDir = tempDir();
    const first = await boot([process.execPath, "run", "src/main.ts"], dataDir);
    try {
      const second = Bun.spawn([process.execPath, "run", "src/main.ts"], {
        cwd: ROOT,
        env: { PATH: process.env.PATH!, HOME: dataDir, DATA_DIR: dataDir, PORT: "0", INITIAL_PASSWORD: "pw-for-tests" },
        stdout: "pipe",
        stderr: "pipe",
      });
      expect(await second.exited).toBe(1);
      const stderr = await new Response(second.stderr).text();
      expect(stderr.trim()).toBe(
        `The database ${join(dataDir, "omniroute.sqlite")} is in use by another process (another OmniRoute on the same DATA_DIR?). Stop it, or give this one its own DATA_DIR.`,
      );
      const health = await fetch(`${first.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      first.proc.kill("SIGTERM");
      expect(await first.proc.exited).toBe(0);
    }
    // Stopped, it lets go of the file: the next gateway starts.
    const again = await boot([process.execPath, "run", "src/main.ts"], dataDir);
    again.proc.kill("SIGTERM");
    expect(await again.proc.exited).toBe(0);
  }, 30_000);
});

describe("crash safety", () => {
  test("kill -9 right after a response completed loses no usage row", async () => {
    const upstream = startOpenAIUpstream({ kind: "text", text: "durable", usage: { input: 5, output: 3 } });
    const dataDir = tempDir();
    const { proc, url } = await boot([process.execPath, "run", "src/main.ts"], dataDir);
    try {
      const login = await fetch(`${url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password: "pw-for-tests" }),
      });
      const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
      await fetch(`${url}/api/providers`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, origin: url },
        body: JSON.stringify({ provider: "ds", apiKey: "k", baseUrl: `${upstream.url}/v1` }),
      });
      const ask = (stream: boolean) =>
        fetch(`${url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "ds/deepseek-chat", stream, messages: [{ role: "user", content: "hi" }] }),
        }).then((r) => r.text());
      await ask(false);
      await ask(true);
      proc.kill("SIGKILL");
      await proc.exited;
      const db = new Database(join(dataDir, "omniroute.sqlite"));
      const rows = db.query("select stream, status, output_tokens from usage_log order by id").all() as Array<{
        stream: number;
        status: number;
        output_tokens: number;
      }>;
      db.close();
      expect(rows).toEqual([
        { stream: 0, status: 200, output_tokens: 3 },
        { stream: 1, status: 200, output_tokens: 3 },
      ]);
    } finally {
      proc.kill("SIGKILL");
      await upstream.close();
    }
  }, 30_000);
});
