// A Responses upstream whose stream ends cleanly before response.completed (a proxy in between closing, a server
// giving up): the answer is incomplete, so a client reading another format is told so in its own format, and the
// usage row records the failure, as for the other upstream formats.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { listUsageLogs } from "../../src/db/queries/usage.ts";
import { startResponsesUpstream } from "../fakes/responses-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let upstream: FakeUpstream;
let key: string;

beforeAll(async () => {
  gw = await startGateway();
  upstream = startResponsesUpstream({ kind: "truncated", text: "Partial answer here", afterChunks: 2 });
  const node = await gw.api("/api/provider-nodes", {
    body: { name: "Responses", prefix: "resp", apiType: "responses", baseUrl: `${upstream.url}/v1` },
  });
  expect(node.status).toBe(201);
  expect((await gw.api("/api/providers", { body: { provider: "resp", apiKey: "k" } })).status).toBe(201);
  key = (await gw.services.apiKeys.create("ends-early", [])).key;
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

async function rowOf(requestId: string | null) {
  await gw.services.usage.written();
  return (await listUsageLogs(gw.services.store, { limit: 50 })).find((r) => r.requestId === requestId);
}

describe("a Responses upstream stream that ends before response.completed", () => {
  test("an Anthropic client gets the text sent so far, then an error event; the row says the upstream failed", async () => {
    const client = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
    const { data: stream, response } = await client.messages
      .stream({ model: "resp/gpt-x", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    let text = "";
    stream.on("text", (delta) => {
      text += delta;
    });
    const failure = await stream.finalMessage().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(text).toBe("Partial answer here".slice(0, text.length));
    expect(text.length).toBeGreaterThan(0);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect(String((failure as Error).message)).toContain("ended before response.completed");
    const row = await rowOf(response.headers.get("x-omniroute-request-id"));
    expect(row).toMatchObject({ status: 502, errorClass: "upstream_stream_error", provider: "resp" });
  });

  test("an OpenAI Chat client's stream ends in an error chunk, not a finish_reason", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "resp/gpt-x", stream: true, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    const finishes: (string | null)[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) for (const choice of chunk.choices) finishes.push(choice.finish_reason);
    })().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(finishes.filter((f) => f !== null)).toEqual([]);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String((failure as Error).message)).toContain("ended before response.completed");
    const row = await rowOf(response.headers.get("x-omniroute-request-id"));
    expect(row).toMatchObject({ status: 502, errorClass: "upstream_stream_error" });
  });
});
