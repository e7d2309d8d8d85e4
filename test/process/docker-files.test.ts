// The Docker files kept honest without a Docker engine: targets, copied paths, the CLI wrappers and the host-integrated compose mounts.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../..");
const dockerfile = await Bun.file(join(ROOT, "Dockerfile")).text();
const lines = dockerfile.split("\n");

describe("Dockerfile", () => {
  test("the default (last) stage is the slim gateway; runner-cli is a named target", () => {
    const froms = lines.filter((l) => l.startsWith("FROM "));
    expect(froms.at(-1)).toBe("FROM oven/bun:1-slim");
    expect(froms).toContain("FROM node:22-bookworm-slim AS runner-cli");
  });

  test("every file copied from the build context exists", () => {
    const sources = lines
      .filter((l) => l.startsWith("COPY ") && !l.includes("--from="))
      .flatMap((l) =>
        l
          .split(/\s+/)
          .filter((w) => !w.startsWith("--"))
          .slice(1, -1),
      );
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect(existsSync(join(ROOT, source))).toBe(true);
  });

  test("runner-cli installs the CLI versions the agent tests run", async () => {
    for (const [arg, pkg] of [
      ["CLAUDE_CODE_VERSION", "@anthropic-ai/claude-code"],
      ["CODEX_VERSION", "@openai/codex"],
      ["GEMINI_CLI_VERSION", "@google/gemini-cli"],
    ] as const) {
      const installed = (await Bun.file(join(ROOT, "node_modules", pkg, "package.json")).json()).version;
      expect(dockerfile).toContain(`ARG ${arg}=${installed}`);
    }
  });
});

describe("runner-cli configuration", () => {
  const dir = join(ROOT, "deploy/runner-cli");

  test("each wrapper is valid sh and refuses to start without OMNIROUTE_API_KEY, saying where the key comes from", () => {
    for (const cli of ["claude", "codex", "gemini"]) {
      const script = join(dir, "bin", cli);
      expect(Bun.spawnSync(["sh", "-n", script]).exitCode).toBe(0);
      const run = Bun.spawnSync(["sh", script, "--version"], { env: { PATH: process.env.PATH ?? "" } });
      expect(run.exitCode).not.toBe(0);
      expect(run.stderr.toString()).toContain("OMNIROUTE_API_KEY set to an API key from the OmniRoute dashboard");
    }
  });

  test("Codex talks Responses to the gateway in the container; Gemini CLI uses API-key auth", async () => {
    const codex = Bun.TOML.parse(await Bun.file(join(dir, "codex-config.toml")).text()) as any;
    expect(codex.model_provider).toBe("omniroute");
    expect(codex.model_providers.omniroute).toEqual({
      name: "OmniRoute",
      base_url: "http://127.0.0.1:20128/v1",
      env_key: "OMNIROUTE_API_KEY",
      wire_api: "responses",
    });
    expect(await Bun.file(join(dir, "gemini-settings.json")).json()).toEqual({ security: { auth: { selectedType: "gemini-api-key" } } });
  });
});

describe("deploy/compose.host.yaml", () => {
  test("mounts, read-only, each folder Import from CLI reads, in the container user's home", async () => {
    const compose = Bun.YAML.parse(await Bun.file(join(ROOT, "deploy/compose.host.yaml")).text()) as any;
    const binds = compose.services.omniroute.volumes.filter((v: any) => typeof v === "object");
    expect(binds.every((v: any) => v.read_only === true && v.bind?.create_host_path === false)).toBe(true);
    expect(binds.map((v: any) => v.target).sort()).toEqual(
      [".aws/sso/cache", ".claude", ".codex", ".config/github-copilot", ".gemini", ".iflow", ".qwen"].map((p) => `/home/bun/${p}`).sort(),
    );
    for (const v of binds) expect(v.source).toBe(v.target.replace("/home/bun", "${HOME}"));
  });
});
