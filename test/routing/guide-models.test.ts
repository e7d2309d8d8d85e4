// Every model the user guide names resolves to a model the catalog knows, and a catalog alias reaches the upstream under its real id.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGeminiUpstream } from "../fakes/gemini-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

/** The model names in the guide's use cases, provider sections and model list (USER_GUIDE, "Available Models"). */
const GUIDE_MODELS = [
  "cc/claude-opus-4-6",
  "cc/claude-sonnet-4-5-20250929",
  "cc/claude-haiku-4-5-20251001",
  "cx/gpt-5.2-codex",
  "cx/gpt-5.1-codex-max",
  "gc/gemini-3-flash",
  "gc/gemini-3-flash-preview",
  "gc/gemini-2.5-pro",
  "gh/gpt-5",
  "gh/claude-4.5-sonnet",
  "gh/gemini-3-pro",
  "gh/gpt-5.1-codex",
  "glm/glm-4.7",
  "minimax/MiniMax-M2.1",
  "kimi/kimi-latest",
  "if/kimi-k2-thinking",
  "if/qwen3-coder-plus",
  "if/glm-4.7",
  "if/minimax-m2",
  "if/minimax-m2.1",
  "if/deepseek-r1",
  "qw/qwen3-coder-plus",
  "qw/qwen3-coder-flash",
  "kr/claude-sonnet-4.5",
  "kr/claude-haiku-4.5",
  "ds/deepseek-chat",
  "ds/deepseek-reasoner",
  "groq/llama-3.3-70b-versatile",
  "groq/llama-4-maverick-17b-128e-instruct",
  "xai/grok-4",
  "xai/grok-4-0709-fast-reasoning",
  "xai/grok-code-mini",
  "mistral/mistral-large-2501",
  "mistral/codestral-2501",
  "pplx/sonar-pro",
  "pplx/sonar",
  "together/meta-llama/Llama-3.3-70B-Instruct-Turbo",
  "fireworks/accounts/fireworks/models/deepseek-v3p1",
  "cerebras/llama-3.3-70b",
  "cohere/command-r-plus-08-2024",
  "nvidia/nvidia/llama-3.3-70b-instruct",
  "deepgram/nova-3",
];

let gw: TestGateway;
let gemini: FakeUpstream;

beforeAll(async () => {
  gw = await startGateway();
  gemini = startGeminiUpstream({ kind: "text", text: "Flash here" });
  expect((await gw.api("/api/providers", { body: { provider: "gemini", apiKey: "g", baseUrl: gemini.url } })).status).toBe(201);
});
afterAll(async () => {
  await gw.close();
  await gemini.close();
});

describe("the guide's model names", () => {
  test("each resolves to a model its provider's catalog entry lists", () => {
    const unknown = GUIDE_MODELS.filter((name) => {
      const [target] = gw.services.router.resolve(name);
      return !target || !target.provider.models.some((m) => m.id === target.model);
    });
    expect(unknown).toEqual([]);
  });

  test("gemini-3-flash (the guide's name) reaches Google as gemini-3-flash-preview, and is logged under it", async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gemini/gemini-3-flash", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).choices[0].message.content).toBe("Flash here");
    expect(gemini.requests.at(-1)!.path).toBe("/v1beta/models/gemini-3-flash-preview:generateContent");
    expect(res.headers.get("x-omniroute-model")).toBe("gemini/gemini-3-flash-preview");
  });
});
