// The fake Responses upstream speaks the real wire format: checked with the openai SDK and with our decoders.
import { afterAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { parseSse } from "../../../src/canonical/sse.ts";
import { responsesFormat as f } from "../../../src/formats/responses/index.ts";
import { packSignature } from "../../../src/formats/responses/reasoning-signature.ts";
import { startResponsesUpstream } from "../../fakes/responses-upstream.ts";
import type { Scenario } from "../../fakes/scenario.ts";

const fake = startResponsesUpstream();
const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: "sk-fake", maxRetries: 0 });
afterAll(() => fake.close());

const TOOLS: Scenario = {
  kind: "tool-calls",
  text: "Checking.",
  calls: [
    { id: "call_1", name: "weather", arguments: '{"city":"Paris"}' },
    { id: "call_2", name: "time", arguments: '{"tz":"CET"}' },
  ],
  usage: { input: 30, output: 20, cacheRead: 10 },
};
const THINKING: Scenario = {
  kind: "thinking",
  thinking: "Let me think.",
  signature: "gAAAAsig",
  text: "Forty-two.",
  usage: { input: 5, output: 9, reasoning: 6 },
};

async function decodeFake(scenario: Scenario): Promise<CanonicalEvent[]> {
  fake.setScenario(scenario);
  const { body } = f.encodeRequest(f.decodeRequest({ model: "gpt-5", input: "q", stream: true }));
  const res = await fetch(f.upstreamUrl(`${fake.url}/v1`, "gpt-5", true), { method: "POST", body: JSON.stringify(body) });
  const out: CanonicalEvent[] = [];
  try {
    for await (const e of f.decodeStream(parseSse(res.body!))) out.push(e);
  } catch (err) {
    out.push({ type: "error", error: err as never });
  }
  return out;
}

describe("the openai SDK against the fake", () => {
  test("non-streamed text: responses.create({ input: 'hi' })", async () => {
    fake.setScenario({ kind: "text", text: "Hello there." });
    const res = await client.responses.create({ model: "gpt-5", input: "hi" });
    expect(res.output_text).toBe("Hello there.");
    expect(res.usage?.input_tokens).toBe(12);
    expect(fake.requests.at(-1)!.path).toBe("/v1/responses");
    expect(fake.requests.at(-1)!.body.input).toBe("hi");
  });

  test("streamed text, tool calls and thinking pass the SDK's stream helper", async () => {
    fake.setScenario({ kind: "text", text: "Streaming works fine.", chunks: 4 });
    expect((await client.responses.stream({ model: "gpt-5", input: "hi" }).finalResponse()).output_text).toBe("Streaming works fine.");

    fake.setScenario(TOOLS);
    const tools = await client.responses.stream({ model: "gpt-5", input: "hi" }).finalResponse();
    expect(tools.output_text).toBe("Checking.");
    expect(tools.output.filter((o) => o.type === "function_call").map((o) => o.type === "function_call" && o.arguments)).toEqual([
      '{"city":"Paris"}',
      '{"tz":"CET"}',
    ]);
    expect(tools.usage?.input_tokens_details.cached_tokens).toBe(10);

    fake.setScenario(THINKING);
    const thinking = await client.responses.stream({ model: "gpt-5", input: "hi" }).finalResponse();
    const rs = thinking.output[0];
    expect(rs.type === "reasoning" && [rs.summary[0].text, rs.encrypted_content]).toEqual(["Let me think.", "gAAAAsig"]);
    expect(thinking.output_text).toBe("Forty-two.");
  });

  test("length: an incomplete response; error: an APIError with the status", async () => {
    fake.setScenario({ kind: "text", text: "cut short", finish: "length" });
    const res = await client.responses.stream({ model: "gpt-5", input: "hi" }).finalResponse();
    expect(res.status).toBe("incomplete");

    fake.setScenario({ kind: "error", status: 429, message: "Rate limit reached for gpt-5" });
    const err = await client.responses.create({ model: "gpt-5", input: "hi" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(429);
    expect(err.message).toContain("Rate limit reached");
  });

  test("cut and hang: the stream breaks off; the hanging call is aborted", async () => {
    fake.setScenario({ kind: "cut", text: "abcdefghij", afterChunks: 2 });
    await expect(client.responses.stream({ model: "gpt-5", input: "hi" }).finalResponse()).rejects.toThrow();

    fake.setScenario({ kind: "hang" });
    const abort = new AbortController();
    const pending = client.responses.create({ model: "gpt-5", input: "hi" }, { signal: abort.signal }).catch((e) => e);
    await Bun.sleep(50);
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe("our decoders against the fake", () => {
  test("decodeStream of tool calls and thinking", async () => {
    const tools = await decodeFake(TOOLS);
    expect(tools.filter((e) => e.type === "tool-call-start")).toEqual([
      { type: "tool-call-start", index: 0, id: "call_1", name: "weather" },
      { type: "tool-call-start", index: 1, id: "call_2", name: "time" },
    ]);
    const args = (i: number) =>
      tools
        .filter((e) => e.type === "tool-args-delta" && e.index === i)
        .map((e) => (e as { delta: string }).delta)
        .join("");
    expect([args(0), args(1)]).toEqual(['{"city":"Paris"}', '{"tz":"CET"}']);
    expect(tools.at(-1)).toMatchObject({
      type: "finish",
      reason: "tool-calls",
      usage: { inputTokens: 30, outputTokens: 20, cacheReadTokens: 10 },
    });

    const thinking = await decodeFake(THINKING);
    const reasoning = thinking
      .filter((e) => e.type === "reasoning-delta")
      .map((e) => (e as { text: string }).text)
      .join("");
    expect(reasoning).toBe("Let me think.");
    const sig = thinking.find((e) => e.type === "reasoning-signature") as { signature: string };
    expect(sig.signature).toStartWith("responses:rs_");
    expect(sig.signature).toEndWith(":gAAAAsig");
    expect(thinking.at(-1)).toMatchObject({ type: "finish", reason: "stop", usage: { reasoningTokens: 6 } });
  });

  test("decodeStream of a cut stream ends in an error, not a finish", async () => {
    const events = await decodeFake({ kind: "cut", text: "abcdefghij", afterChunks: 2 });
    expect(
      events
        .filter((e) => e.type === "text-delta")
        .map((e) => (e as { text: string }).text)
        .join(""),
    ).toBe("abcdef");
    expect(events.some((e) => e.type === "finish")).toBe(false);
    expect(events.at(-1)!.type).toBe("error");
  });

  test("decodeResponse of a thinking answer keeps the reasoning id and encrypted content", async () => {
    fake.setScenario(THINKING);
    const res = await fetch(`${fake.url}/v1/responses`, { method: "POST", body: JSON.stringify({ model: "gpt-5", input: "q" }) });
    const wire = await res.json();
    const decoded = f.decodeResponse(wire);
    expect(decoded.content[0]).toEqual({
      type: "thinking",
      text: "Let me think.",
      signature: packSignature(wire.output[0].id, "gAAAAsig"),
    });
    expect(decoded.content[1]).toEqual({ type: "text", text: "Forty-two." });
    expect(decoded.usage.reasoningTokens).toBe(6);
  });
});
