// "Write config": merges into existing files keeping other keys, backs up first, mode 0600, refuses what it cannot merge.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mergeCodexToml, writeToolConfig } from "../../src/cli-tools/write-config.ts";

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
function home(): string {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-home-"));
  homes.push(dir);
  return dir;
}
const input = { baseUrl: "http://localhost:20128/", apiKey: "sk-test-123", model: "cc/claude-sonnet-4-5" };
const now = new Date("2025-01-31T12:00:00.000Z");
const mode = (p: string) => statSync(p).mode & 0o777;

describe("JSON configs", () => {
  test("Claude Code: a new file with the env block, mode 0600, no backup", () => {
    const h = home();
    const r = writeToolConfig("claude-code", input, { home: h, now });
    expect(r).toEqual({ path: join(h, ".claude/settings.json"), backup: undefined, created: true });
    const written = JSON.parse(readFileSync(r.path, "utf8"));
    expect(written.env).toMatchObject({
      ANTHROPIC_BASE_URL: "http://localhost:20128",
      ANTHROPIC_AUTH_TOKEN: "sk-test-123",
      ANTHROPIC_MODEL: "cc/claude-sonnet-4-5",
    });
    expect(mode(r.path)).toBe(0o600);
  });

  test("Claude Code: merges into an existing file, keeping other keys and other env vars, after a backup", () => {
    const h = home();
    mkdirSync(join(h, ".claude"));
    const original = JSON.stringify({ permissions: { allow: ["Bash(ls:*)"] }, env: { FOO: "bar", ANTHROPIC_MODEL: "old" }, theme: "dark" });
    writeFileSync(join(h, ".claude/settings.json"), original, { mode: 0o644 });
    const r = writeToolConfig("claude-code", input, { home: h, now });
    expect(r.backup).toBe(join(h, ".claude/settings.json.bak-2025-01-31T12-00-00-000Z"));
    expect(readFileSync(r.backup!, "utf8")).toBe(original);
    expect(mode(r.backup!)).toBe(0o600);
    const written = JSON.parse(readFileSync(r.path, "utf8"));
    expect(written.permissions).toEqual({ allow: ["Bash(ls:*)"] });
    expect(written.theme).toBe("dark");
    expect(written.env.FOO).toBe("bar");
    expect(written.env.ANTHROPIC_MODEL).toBe("cc/claude-sonnet-4-5");
    expect(mode(r.path)).toBe(0o600);
  });

  test("Gemini CLI: sets API-key sign-in and the model, keeps the rest", () => {
    const h = home();
    mkdirSync(join(h, ".gemini"));
    writeFileSync(
      join(h, ".gemini/settings.json"),
      JSON.stringify({ security: { folderTrust: { enabled: true }, auth: { selectedType: "oauth-personal" } }, ui: { theme: "GitHub" } }),
    );
    const r = writeToolConfig("gemini-cli", input, { home: h, now });
    expect(JSON.parse(readFileSync(r.path, "utf8"))).toEqual({
      security: { folderTrust: { enabled: true }, auth: { selectedType: "gemini-api-key" } },
      ui: { theme: "GitHub" },
      model: { name: "cc/claude-sonnet-4-5" },
    });
  });

  test("OpenClaw: adds the provider and the primary model, keeps other providers and fallbacks", () => {
    const h = home();
    mkdirSync(join(h, ".openclaw"));
    writeFileSync(
      join(h, ".openclaw/openclaw.json"),
      JSON.stringify({
        agents: { defaults: { model: { primary: "x/y", fallbacks: ["a/b"] } } },
        models: { providers: { other: { baseUrl: "u" } } },
        channels: { telegram: {} },
      }),
    );
    const r = writeToolConfig("openclaw", input, { home: h, now });
    const written = JSON.parse(readFileSync(r.path, "utf8"));
    expect(written.agents.defaults.model).toEqual({ primary: "omniroute/cc/claude-sonnet-4-5", fallbacks: ["a/b"] });
    expect(written.models.providers.other).toEqual({ baseUrl: "u" });
    expect(written.models.providers.omniroute).toEqual({
      baseUrl: "http://localhost:20128/v1",
      apiKey: "sk-test-123",
      api: "openai-completions",
      models: [{ id: "cc/claude-sonnet-4-5", name: "cc/claude-sonnet-4-5" }],
    });
    expect(written.channels).toEqual({ telegram: {} });
  });

  test("a file that is not plain JSON is left alone", () => {
    const h = home();
    mkdirSync(join(h, ".openclaw"));
    writeFileSync(join(h, ".openclaw/openclaw.json"), "{ // JSON5\n agents: {} }");
    expect(() => writeToolConfig("openclaw", input, { home: h, now })).toThrow(/not plain JSON/);
    expect(readFileSync(join(h, ".openclaw/openclaw.json"), "utf8")).toContain("JSON5");
    expect(readdirSync(join(h, ".openclaw"))).toEqual(["openclaw.json"]);
  });
});

describe("Codex config.toml", () => {
  const existing = `# my codex config
model = "gpt-5"
approval_policy = "on-request"

[model_providers.other]
name = "Other"
base_url = "https://other.example/v1"

[model_providers.omniroute]
name = "stale"
base_url = "http://old/v1"

[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]
`;

  test("sets model and provider at the root, replaces our table, keeps comments, tables and other keys", () => {
    const text = mergeCodexToml(existing, { ...input, baseUrl: "http://localhost:20128" });
    const parsed = Bun.TOML.parse(text) as any;
    expect(parsed.model).toBe("cc/claude-sonnet-4-5");
    expect(parsed.model_provider).toBe("omniroute");
    expect(parsed.approval_policy).toBe("on-request");
    expect(parsed.model_providers.other).toEqual({ name: "Other", base_url: "https://other.example/v1" });
    expect(parsed.model_providers.omniroute).toEqual({
      name: "OmniRoute",
      base_url: "http://localhost:20128/v1",
      env_key: "OMNIROUTE_API_KEY",
      wire_api: "responses",
    });
    expect(parsed.mcp_servers.docs.args).toEqual(["-y", "docs-mcp"]);
    expect(text).toContain("# my codex config");
    expect(text).not.toContain("stale");
    // Root keys stay before the first table.
    expect(text.indexOf("model_provider =")).toBeLessThan(text.indexOf("["));
  });

  test("writes through writeToolConfig with a backup; the key is not in the file", () => {
    const h = home();
    mkdirSync(join(h, ".codex"));
    writeFileSync(join(h, ".codex/config.toml"), existing);
    const r = writeToolConfig("codex", input, { home: h, now });
    expect(readFileSync(r.backup!, "utf8")).toBe(existing);
    const text = readFileSync(r.path, "utf8");
    expect(text).not.toContain("sk-test-123");
    expect((Bun.TOML.parse(text) as any).model_providers.other.name).toBe("Other");
    expect(mode(r.path)).toBe(0o600);
  });

  test("an empty or missing file gets just our settings", () => {
    const parsed = Bun.TOML.parse(mergeCodexToml("", { ...input, baseUrl: "http://h:1" })) as any;
    expect(Object.keys(parsed).sort()).toEqual(["model", "model_provider", "model_providers"]);
  });

  test("invalid TOML, or one whose values would change, is refused and not written", () => {
    expect(() => mergeCodexToml("model = ", input)).toThrow(/not valid TOML/);
    // A multi-line string with a line that looks like a root key: a text edit would change it, so nothing is written.
    const tricky = `instructions = """\nmodel = "inside"\n"""\n`;
    expect(() => mergeCodexToml(tricky, { ...input, baseUrl: "http://h:1" })).toThrow(/merged safely/);
    const h = home();
    mkdirSync(join(h, ".codex"));
    writeFileSync(join(h, ".codex/config.toml"), tricky);
    expect(() => writeToolConfig("codex", input, { home: h, now })).toThrow();
    expect(readdirSync(join(h, ".codex"))).toEqual(["config.toml"]);
    expect(existsSync(join(h, ".codex/config.toml"))).toBe(true);
  });
});
