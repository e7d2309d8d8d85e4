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

describe("deploy/compose.yaml (several instances)", () => {
  const read = async () => Bun.YAML.parse(await Bun.file(join(ROOT, "deploy/compose.yaml")).text()) as any;
  /** Compose's `${NAME:?message}` and `${NAME:-default}` filled in as `docker compose --env-file` would. */
  const fill = (value: string, vars: Record<string, string>) =>
    value.replace(/\$\{(\w+)(?::[?-][^}]*)?\}/g, (_, name: string) => vars[name] ?? "");

  test("every replica runs the gateway on the shared PostgreSQL and Redis, with the secrets required and the per-address cap off", async () => {
    const compose = await read();
    const replicas = Object.keys(compose.services).filter((name) => name.startsWith("omniroute-"));
    expect(replicas.sort()).toEqual(["omniroute-1", "omniroute-2"]);
    for (const name of replicas) {
      const env = compose.services[name].environment;
      expect(env.DATABASE_URL).toContain("@postgres:5432/");
      expect(env.REDIS_URL).toBe("redis://redis:6379");
      for (const secret of ["JWT_SECRET", "API_KEY_SECRET", "ENCRYPTION_KEY", "POSTGRES_PASSWORD"])
        expect(JSON.stringify(env)).toContain(`\${${secret}:?`);
      expect(env.MAX_CONNECTIONS_PER_IP).toBe("0");
      expect(compose.services[name].depends_on.postgres.condition).toBe("service_healthy");
    }
  });

  test("its environment, filled from the example env file, is one the gateway starts with", async () => {
    const { parseEnv } = await import("../../src/config.ts");
    const compose = await read();
    const example = await Bun.file(join(ROOT, "deploy/cluster/.env.example")).text();
    const vars: Record<string, string> = {};
    for (const line of example.split("\n")) {
      const m = /^(\w+)=(.*)$/.exec(line);
      if (m) vars[m[1]!] = m[2] || `${m[1]!.toLowerCase()}-0123456789abcdef`;
    }
    const image = (await Bun.file(join(ROOT, "Dockerfile")).text()).split("FROM oven/bun:1-slim")[1]!;
    const env = Object.fromEntries(
      Object.entries(compose.services["omniroute-1"].environment as Record<string, string>).map(([k, v]) => [k, fill(String(v), vars)]),
    );
    const config = parseEnv({ NODE_ENV: "production", HOSTNAME: "0.0.0.0", ...env });
    expect(image).toContain("NODE_ENV=production");
    expect(config.database?.url).toStartWith("postgres://omniroute:");
    expect(config.redisUrl).toBe("redis://redis:6379");
  });

  test("nginx in front sends to exactly the replicas, unbuffered, and never passes a POST on to a second one", async () => {
    const compose = await read();
    const conf = await Bun.file(join(ROOT, "deploy/cluster/nginx.conf")).text();
    const servers = [...conf.matchAll(/server (omniroute-\d+):20128/g)].map((m) => m[1]);
    expect(servers.sort()).toEqual(
      Object.keys(compose.services)
        .filter((n) => n.startsWith("omniroute-"))
        .sort(),
    );
    expect(conf).toContain("proxy_buffering off;");
    expect(conf).not.toContain("non_idempotent");
    expect(compose.services.proxy.volumes).toContain("./cluster/nginx.conf:/etc/nginx/nginx.conf:ro");
  });
});
