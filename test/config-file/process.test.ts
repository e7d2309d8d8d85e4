// The real process: a configuration file applied at startup (--config / CONFIG_FILE), re-applied on SIGHUP, a bad one
// stopping startup; and the commands `config check|apply|export` and `password reset`, stopped and running.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CI_KEY, chat, startConfigFixture, type ConfigFixture } from "./support.ts";

const ROOT = join(import.meta.dir, "../..");
const dirs: string[] = [];
let fx: ConfigFixture;
beforeAll(async () => {
  fx = await startConfigFixture();
});
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await fx.close();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-cfg-"));
  dirs.push(dir);
  return dir;
}

function envFor(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH!,
    HOME: dataDir,
    DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "info",
    INITIAL_PASSWORD: "pw-for-tests",
    ...fx.env,
    ...extra,
  };
}

/** A gateway process whose stderr is collected, so a test can wait for a line instead of sleeping. */
function spawnGateway(args: string[], env: Record<string, string>) {
  const proc = Bun.spawn([process.execPath, "src/main.ts", ...args], { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
  let stderr = "";
  const waiters: Array<() => void> = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) {
      stderr += decoder.decode(chunk);
      for (const w of waiters.splice(0)) w();
    }
    for (const w of waiters.splice(0)) w();
  })();
  const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (;;) {
      const m = pattern.exec(stderr);
      if (m) return m;
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`gateway exited (${proc.exitCode}) before ${pattern}:\n${stderr}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { proc, reading, waitFor, stderr: () => stderr };
}

/** `bun run omniroute -- ARGS`, as the README says (bun echoes the script around the command's own stderr lines). */
async function run(args: string[], env: Record<string, string>) {
  const proc = Bun.spawn([process.execPath, "run", "omniroute", "--", ...args], { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe("the configuration file at startup and on SIGHUP", () => {
  test("CONFIG_FILE: the gateway starts routing through the file's combo and alias with the key from the environment; a changed file plus SIGHUP updates it; a bad one changes nothing", async () => {
    const dir = tempDir();
    const file = join(dir, "omniroute.yaml");
    writeFileSync(file, fx.yaml);
    const gw = spawnGateway([], envFor(dir, { CONFIG_FILE: file }));
    try {
      await gw.waitFor(/configuration file .* applied: 8 created, 4 updated, 0 removed, 0 unchanged/);
      const url = (await gw.waitFor(/listening on (http:\/\/\S+)/))[1]!;
      expect(await chat(url, "premium-coding", CI_KEY)).toMatchObject({ status: 200, text: "from deepseek", servedBy: "ds/deepseek-chat" });
      expect(await chat(url, "claude-sonnet-4-5", CI_KEY)).toMatchObject({ status: 200, text: "from the local node" });
      expect((await chat(url, "premium-coding", "sk-omni-not-a-key-at-all-000")).status).toBe(401);

      // The guide's "always-on" combo added, the alias pointed at it: SIGHUP, and the running gateway follows.
      writeFileSync(
        file,
        fx.yaml
          .replace("combos:\n", "combos:\n  - name: always-on\n    models: [local/qwen3-coder, premium-coding]\n")
          .replace("      target: local/qwen3-coder", "      target: always-on"),
      );
      gw.proc.kill("SIGHUP");
      await gw.waitFor(/re-applied: 1 created, 1 updated, 0 removed/);
      expect(await chat(url, "always-on", CI_KEY)).toMatchObject({ status: 200, text: "from the local node" });
      const models = (await (await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${CI_KEY}` } })).json()) as {
        data: Array<{ id: string }>;
      };
      expect(models.data.map((m) => m.id)).toContain("always-on");

      // A file with a problem: logged, nothing changes, the gateway keeps serving.
      writeFileSync(file, fx.yaml.replace("name: always-on", "name: x").replace("${CI_KEY}", "${CI_KEY_GONE}"));
      gw.proc.kill("SIGHUP");
      await gw.waitFor(
        /ERROR Configuration file .* has 1 problem; nothing was applied:\n {2}line \d+: keys "ci" key: the environment variable CI_KEY_GONE is not set/,
      );
      expect(await chat(url, "always-on", CI_KEY)).toMatchObject({ status: 200 });
    } finally {
      gw.proc.kill("SIGTERM");
      expect(await gw.proc.exited).toBe(0);
    }
  }, 30_000);

  test("--config FILE with an unknown strategy and a missing variable stops startup naming both, before the database is created", async () => {
    const dir = tempDir();
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      fx.yaml.replace("    strategy: priority\n", "    strategy: fastest\n").replace("${DS_API_KEY}", "${DS_API_KEY_UNSET}"),
    );
    const gw = spawnGateway(["--config", file], envFor(dir));
    expect(await gw.proc.exited).toBe(1);
    await gw.reading;
    const lines = gw.stderr().trim().split("\n");
    expect(lines[0]).toBe(`Configuration file ${file} has 2 problems; nothing was applied:`);
    expect(lines[1]).toBe(
      '  line 23: providers "deepseek main" apiKey: the environment variable DS_API_KEY_UNSET is not set (write ${DS_API_KEY_UNSET:-default} to give a default)',
    );
    expect(lines[2]).toStartWith('  line 29: combos "premium-coding" strategy: Invalid option: expected one of "priority"');
    expect(existsSync(join(dir, "omniroute.sqlite"))).toBe(false);
  }, 30_000);
});

describe("commands", () => {
  test("config check, apply (twice), export; a bad file fails; apply refuses a running gateway and says how instead", async () => {
    const dir = tempDir();
    const file = join(dir, "omniroute.yaml");
    writeFileSync(file, fx.yaml);
    const env = envFor(dir);

    const checked = await run(["config", "check", file], env);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(`${file} is valid. Against an empty gateway`);
    expect(checked.stdout).toContain('+ combos "premium-coding"');
    expect(existsSync(join(dir, "omniroute.sqlite"))).toBe(false);

    const applied = await run(["config", "apply", file], env);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Applied: 8 created, 4 updated, 0 removed, 0 unchanged.");
    const again = await run(["config", "apply", file], env);
    expect(again.stdout.trim()).toBe("Applied: 0 created, 0 updated, 0 removed, 12 unchanged.");

    const exported = await run(["config", "export"], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('apiKey: "${DEEPSEEK_MAIN_API_KEY}"');
    expect(exported.stdout).not.toContain(CI_KEY);

    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "combos:\n  - name: a\n    strategy: fastest\n    models: [x/y]\n");
    const refused = await run(["config", "check", bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 3: combos "a" strategy');

    const gw = spawnGateway([], env);
    try {
      await gw.waitFor(/listening on/);
      const running = await run(["config", "apply", file], env);
      expect(running.code).toBe(1);
      expect(running.stderr).toContain(
        `\nOmniRoute is running on ${dir} (its database is in use): send it SIGHUP to re-apply its CONFIG_FILE, or POST the file to /api/config/apply.`,
      );
      const check = await run(["config", "check", file], env);
      expect(check.code).toBe(0);
      expect(check.stdout).toContain("The gateway is running");
    } finally {
      gw.proc.kill("SIGTERM");
      await gw.proc.exited;
    }
  }, 60_000);

  test("password reset: on a stopped gateway's data folder it sets a new password that signs in; while it runs it says to stop it first", async () => {
    const dir = tempDir();
    const env = envFor(dir);
    const none = await run(["password", "reset"], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`No OmniRoute data in ${dir}`);

    const first = spawnGateway([], env);
    const url = (await first.waitFor(/listening on (http:\/\/\S+)/))[1]!;
    const running = await run(["password", "reset"], env);
    expect(running.code).toBe(1);
    expect(running.stderr).toContain(
      `\nOmniRoute is running on ${dir} (its database is in use): stop it first, then run \`omniroute password reset\` again (the password is reset on a stopped gateway's data folder).`,
    );
    expect(
      (
        await fetch(`${url}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ password: "pw-for-tests" }),
        })
      ).status,
    ).toBe(200);
    first.proc.kill("SIGTERM");
    expect(await first.proc.exited).toBe(0);

    const reset = await run(["password", "reset"], env);
    expect(reset.code).toBe(0);
    const password = /New dashboard password: (\S+)/.exec(reset.stdout)![1]!;

    const second = spawnGateway([], env);
    try {
      const url2 = (await second.waitFor(/listening on (http:\/\/\S+)/))[1]!;
      const login = (pw: string) =>
        fetch(`${url2}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ password: pw }),
        });
      expect((await login("pw-for-tests")).status).toBe(401);
      expect((await login(password)).status).toBe(200);
    } finally {
      second.proc.kill("SIGTERM");
      await second.proc.exited;
    }
  }, 60_000);
});
