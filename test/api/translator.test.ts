// /api/translator/translate shows how a request is translated between formats.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
});

describe("translator", () => {
  test("an Anthropic request as an OpenAI upstream receives it", async () => {
    const res = await gw.api("/api/translator/translate", {
      body: {
        from: "anthropic",
        to: "openai-chat",
        body: {
          model: "claude-sonnet-4-5",
          max_tokens: 512,
          system: "Be terse.",
          messages: [{ role: "user", content: "What is 2+2?" }],
          tools: [
            { name: "calc", description: "math", input_schema: { type: "object", properties: { x: { type: "string" } }, required: ["x"] } },
          ],
        },
      },
    });
    expect(res.status).toBe(200);
    const out = await res.json();
    expect(out.path).toBe("/chat/completions");
    expect(out.body.max_tokens).toBe(512);
    expect(out.body.messages[0]).toEqual({ role: "system", content: "Be terse." });
    expect(out.body.tools[0].function).toMatchObject({ name: "calc", parameters: { required: ["x"] } });
  });

  test("a bad body is a 400 naming the field; an unknown format too", async () => {
    const bad = await gw.api("/api/translator/translate", { body: { from: "openai-chat", to: "anthropic", body: { model: "x" } } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toStartWith("body");
    const unknown = await gw.api("/api/translator/translate", { body: { from: "cobol", to: "anthropic", body: {} } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.field).toBe("from");
  });
});
