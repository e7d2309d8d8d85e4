// Gemini clients (@google/genai) through the gateway: translated to an OpenAI upstream, model list, errors, countTokens.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GoogleGenAI } from "@google/genai";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { startGeminiUpstream } from "../fakes/gemini-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let openai: FakeUpstream;
let gemini: FakeUpstream;
let ai: GoogleGenAI;

beforeAll(async () => {
  gw = await startGateway();
  openai = startOpenAIUpstream({ kind: "text", text: "Hello Gemini user", usage: { input: 11, output: 3 } });
  gemini = startGeminiUpstream({ kind: "text", text: "Native Gemini", usage: { input: 7, output: 2 } });
  await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${openai.url}/v1` } });
  await gw.api("/api/providers", { body: { provider: "gemini", apiKey: "g-key", baseUrl: gemini.url } });
  ai = new GoogleGenAI({ apiKey: (await gw.services.apiKeys.create("genai", [])).key, httpOptions: { baseUrl: gw.url } });
});
afterAll(async () => {
  await gw.close();
  await openai.close();
  await gemini.close();
});

describe("Gemini ingress", () => {
  test("generateContent translated to an OpenAI upstream", async () => {
    const res = await ai.models.generateContent({
      model: "ds/deepseek-chat",
      contents: "hi",
      config: { maxOutputTokens: 77, systemInstruction: "Be kind." },
    });
    expect(res.text).toBe("Hello Gemini user");
    expect(res.usageMetadata?.promptTokenCount).toBe(11);
    const sent = openai.requests.at(-1)!.body;
    expect(sent.max_tokens).toBe(77);
    expect(sent.messages[0]).toEqual({ role: "system", content: "Be kind." });
  });

  test("streamGenerateContent translated, chunk by chunk", async () => {
    let text = "";
    for await (const chunk of await ai.models.generateContentStream({ model: "ds/deepseek-chat", contents: "hi" }))
      text += chunk.text ?? "";
    expect(text).toBe("Hello Gemini user");
  });

  test("fast path to a Gemini upstream keeps the x-goog-api-key and the model in the URL", async () => {
    const res = await ai.models.generateContent({ model: "gemini/gemini-2.5-flash", contents: "hi" });
    expect(res.text).toBe("Native Gemini");
    const sent = gemini.requests.at(-1)!;
    expect(sent.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(sent.headers["x-goog-api-key"]).toBe("g-key");
  });

  test("upstream errors arrive in Gemini's error shape", async () => {
    openai.setScenario({ kind: "error", status: 429, message: "quota hit" });
    const err = await ai.models.generateContent({ model: "ds/deepseek-chat", contents: "hi" }).catch((e) => e);
    openai.setScenario({ kind: "text", text: "Hello Gemini user", usage: { input: 11, output: 3 } });
    gw.services.health.cooldowns.reset();
    expect(err.status).toBe(429);
    expect(String(err.message)).toContain("quota hit");
  });

  test("unknown paths answer a Gemini-format JSON 404, not HTML", async () => {
    const res = await fetch(`${gw.url}/v1beta/nothing-here`);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 404, status: "NOT_FOUND" });
  });

  test("models list and countTokens", async () => {
    const pager = await ai.models.list();
    const names: string[] = [];
    for await (const m of pager) names.push(m.name!);
    expect(names).toContain("models/ds/deepseek-chat");
    const counted = await ai.models.countTokens({ model: "ds/deepseek-chat", contents: "count these few words please" });
    expect(counted.totalTokens).toBeGreaterThan(3);
  });
});
