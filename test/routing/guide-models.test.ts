// Every model the user guide names resolves to a model the catalog knows, and a catalog alias reaches the upstream under its real id.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGeminiUpstream } from "../fakes/gemini-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { GUIDE_MODEL_NAMES } from "../support/guide-models.ts";

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
    const unknown = GUIDE_MODEL_NAMES.filter((name) => {
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
