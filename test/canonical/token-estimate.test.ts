// The gateway's table-free token estimate against o200k itself (gpt-tokenizer, a dev dependency) on realistic prompts.
import { describe, expect, test } from "bun:test";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import type { CanonicalRequest } from "../../src/canonical/request.ts";
import { estimateTextTokens, estimateTokens } from "../../src/canonical/token-estimate.ts";
import { TOKEN_CORPUS } from "./token-corpus.ts";

/** Relative error of the estimate against o200k's count. */
function error(text: string): number {
  const exact = countTokens(text);
  return (estimateTextTokens(text) - exact) / exact;
}

describe("estimateTextTokens, calibrated against o200k", () => {
  for (const kind of ["chat", "code", "tools", "cjk", "log"] as const) {
    test(`each ${kind} sample within 12% of o200k`, () => {
      const samples = TOKEN_CORPUS.filter((s) => s.kind === kind);
      expect(samples.length).toBeGreaterThan(0);
      for (const { text } of samples) expect(Math.abs(error(text)), text.slice(0, 60)).toBeLessThan(0.12);
    });
  }

  test("the whole corpus within 3%, and a whole system prompt of chat, code and tools within 5%", () => {
    const all = TOKEN_CORPUS.map((s) => s.text);
    const exact = all.reduce((sum, t) => sum + countTokens(t), 0);
    const estimated = all.reduce((sum, t) => sum + estimateTextTokens(t), 0);
    expect(Math.abs(estimated - exact) / exact).toBeLessThan(0.03);
    expect(Math.abs(error(all.join("\n")))).toBeLessThan(0.05);
  });

  test("short texts count as o200k does", () => {
    for (const text of ["count these few words please", "Hello, world!", "ok", "What is 2 + 2?"])
      expect(estimateTextTokens(text), text).toBe(countTokens(text));
    expect(estimateTextTokens("")).toBe(0);
  });

  test("a 2 MB text is extrapolated from its first 16K characters, at a bounded cost", () => {
    const prose = TOKEN_CORPUS.filter((s) => s.kind === "chat")
      .map((s) => s.text)
      .join("\n");
    const long = prose.repeat(Math.ceil(2_000_000 / prose.length));
    const started = performance.now();
    const estimated = estimateTextTokens(long);
    const ms = performance.now() - started;
    const perChar = countTokens(prose) / prose.length;
    expect(Math.abs(estimated - perChar * long.length) / (perChar * long.length)).toBeLessThan(0.12);
    expect(ms).toBeLessThan(50);
  });
});

describe("estimateTokens of a request", () => {
  test("texts, tool calls and tool schemas, plus three tokens a message and a flat cost per image", () => {
    const tool = {
      name: "get_weather",
      description: "Get the current weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    };
    const req: CanonicalRequest = {
      model: "m",
      stream: true,
      extra: {},
      messages: [
        { role: "user", content: [{ type: "text", text: "What's the weather in Paris?" }] },
        { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
        { role: "user", content: [{ type: "image", source: { kind: "url", url: "https://example.com/a.png" } }] },
      ],
      tools: [tool],
    };
    const estimated = estimateTokens(req);
    const texts = [
      "What's the weather in Paris?",
      "get_weather",
      '{"city":"Paris"}',
      tool.name,
      tool.description,
      JSON.stringify(tool.parameters),
    ];
    const exact = countTokens(texts.join("\n")) + 1_000 + 3 * 3;
    expect(Math.abs(estimated - exact)).toBeLessThanOrEqual(3);
  });
});
