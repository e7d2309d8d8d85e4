// Snippet text: placeholders until a key and model are chosen, shell-safe quoting, URL forms per tool, warnings that depend on the URL.
import { describe, expect, test } from "bun:test";
import { shellQuote, toolGuides } from "../../src/cli-tools/snippets.ts";

const snippet = (guides: ReturnType<typeof toolGuides>, id: string) => guides.flatMap((g) => g.snippets).find((s) => s.id === id)!.text;

describe("toolGuides", () => {
  test("placeholders when no key or model is chosen", () => {
    const g = toolGuides({ baseUrl: "http://localhost:20128", apiKey: " ", model: "" });
    expect(snippet(g, "claude-env")).toContain("export ANTHROPIC_AUTH_TOKEN='<your-omniroute-api-key>'");
    expect(snippet(g, "codex-config")).toContain('model = "<model>"');
  });

  test("root URL for Claude Code and Gemini CLI, /v1 for the OpenAI-compatible tools; a trailing slash is dropped", () => {
    const g = toolGuides({ baseUrl: "https://gw.example.com/", apiKey: "k", model: "m" });
    expect(JSON.parse(snippet(g, "claude-settings")).env.ANTHROPIC_BASE_URL).toBe("https://gw.example.com");
    expect(snippet(g, "gemini-env")).toContain("GOOGLE_GEMINI_BASE_URL='https://gw.example.com'");
    expect((Bun.TOML.parse(snippet(g, "codex-config")) as any).model_providers.omniroute.base_url).toBe("https://gw.example.com/v1");
    expect(snippet(g, "cursor-settings")).toContain("Override OpenAI Base URL: https://gw.example.com/v1");
    expect(JSON.parse(snippet(g, "openclaw-config")).models.providers.omniroute.baseUrl).toBe("https://gw.example.com/v1");
  });

  test("values with quotes stay valid in every format", () => {
    const model = `we"ird'model\\x`;
    const g = toolGuides({ baseUrl: "http://localhost:1", apiKey: "k", model });
    expect((Bun.TOML.parse(snippet(g, "codex-config")) as any).model).toBe(model);
    expect(JSON.parse(snippet(g, "gemini-settings")).model.name).toBe(model);
    expect(JSON.parse(snippet(g, "openclaw-config")).agents.defaults.model.primary).toBe(`omniroute/${model}`);
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    const out = Bun.spawnSync(["sh", "-c", `printf %s ${shellQuote(model)}`]).stdout.toString();
    expect(out).toBe(model);
  });

  test("Gemini CLI's plain-http warning only for a non-local http URL", () => {
    const notes = (baseUrl: string) =>
      toolGuides({ baseUrl, apiKey: "k", model: "m" })
        .find((g) => g.id === "gemini-cli")!
        .notes.join(" ");
    expect(notes("http://192.168.1.5:20128")).toContain("only for localhost");
    expect(notes("http://localhost:20128")).not.toContain("only for localhost");
    expect(notes("https://gw.example.com")).not.toContain("only for localhost");
  });
});
