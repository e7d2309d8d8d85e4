// Clients that set no output limit (Codex, Gemini CLI) routed to Claude: a stream asks for the model's own
// limit from the catalog, so a long answer is not cut at Anthropic's required-field default.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { startAnthropicUpstream } from "../fakes/anthropic-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let claude: FakeUpstream;
let client: OpenAI;

beforeAll(async () => {
  gw = await startGateway();
  claude = startAnthropicUpstream({ kind: "text", text: "A long answer", usage: { input: 12, output: 3 } });
  expect((await gw.api("/api/providers", { body: { provider: "anthropic", apiKey: "sk-ant", baseUrl: claude.url } })).status).toBe(201);
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: (await gw.services.apiKeys.create("limits", [])).key, maxRetries: 0 });
});
afterAll(async () => {
  await gw.close();
  await claude.close();
});
beforeEach(() => {
  claude.requests.length = 0;
});

const sent = () => claude.requests.at(-1)!.body as { max_tokens: number; thinking?: { type: string; budget_tokens?: number } };
const messages = [{ role: "user" as const, content: "Write the whole file." }];

async function drain(stream: AsyncIterable<unknown>) {
  for await (const _ of stream) {
    /* read to the end */
  }
}

describe("output limit of a translated request to Claude", () => {
  test("a Responses stream with no max_output_tokens (Codex) asks for the model's limit", async () => {
    await drain(
      await client.responses.create({ model: "anthropic/claude-sonnet-4-5-20250929", input: "Write the whole file.", stream: true }),
    );
    expect(sent().max_tokens).toBe(64_000);
  });

  test("each model gets its own limit (Opus 4.1: 32k, Opus 4.6: 128k)", async () => {
    await drain(await client.chat.completions.create({ model: "anthropic/claude-opus-4-1-20250805", messages, stream: true }));
    expect(sent().max_tokens).toBe(32_000);
    await drain(await client.chat.completions.create({ model: "anthropic/claude-opus-4-6", messages, stream: true }));
    expect(sent().max_tokens).toBe(128_000);
  });

  test("thinking fits inside the model's limit", async () => {
    await drain(
      await client.chat.completions.create({
        model: "anthropic/claude-sonnet-4-5-20250929",
        messages,
        stream: true,
        reasoning_effort: "high",
      }),
    );
    expect(sent()).toMatchObject({ max_tokens: 64_000, thinking: { type: "enabled", budget_tokens: 24_576 } });
  });

  test("the client's own limit is kept", async () => {
    await drain(
      await client.chat.completions.create({ model: "anthropic/claude-sonnet-4-5-20250929", messages, stream: true, max_tokens: 300 }),
    );
    expect(sent().max_tokens).toBe(300);
  });

  test("an unstreamed call keeps the cautious default (a long answer held until done outlives timeouts)", async () => {
    const res = await client.chat.completions.create({ model: "anthropic/claude-sonnet-4-5-20250929", messages });
    expect(res.choices[0]?.message.content).toBe("A long answer");
    expect(sent().max_tokens).toBe(8192);
  });

  test("a model the catalog does not know keeps the default", async () => {
    await drain(await client.chat.completions.create({ model: "anthropic/claude-next-preview", messages, stream: true }));
    expect(sent().max_tokens).toBe(8192);
  });
});
