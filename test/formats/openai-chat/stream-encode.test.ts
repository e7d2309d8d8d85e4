// openai-chat encodeStream, consumed by the official OpenAI SDK's strict stream helper over a real socket.
import { afterAll, describe, expect, test } from "bun:test";
import { APIError } from "openai";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { parseSse } from "../../../src/canonical/sse.ts";
import { openaiChatFormat as chat } from "../../../src/formats/openai-chat/index.ts";
import { startOpenAIUpstream } from "../../fakes/openai-upstream.ts";
import { startSdkServer } from "./sdk-server.ts";

const toolStream: CanonicalEvent[] = [
  { type: "start", id: "msg_1", model: "claude-x", created: 1700000000 },
  { type: "reasoning-delta", text: "Need two tools." },
  { type: "reasoning-signature", signature: "sig" },
  { type: "text-delta", text: "Checking" },
  { type: "text-delta", text: " now." },
  { type: "tool-call-start", index: 0, id: "toolu_a", name: "get_weather" },
  { type: "tool-args-delta", index: 0, delta: '{"city":' },
  { type: "tool-args-delta", index: 0, delta: '"Paris"}' },
  { type: "tool-call-end", index: 0 },
  { type: "tool-call-start", index: 1, id: "toolu_b", name: "get_time" },
  { type: "tool-args-delta", index: 1, delta: "{}" },
  { type: "tool-call-end", index: 1 },
  { type: "usage", usage: { inputTokens: 21, cacheReadTokens: 4 } },
  { type: "finish", reason: "tool-calls", usage: { outputTokens: 9, reasoningTokens: 2 } },
];

// Input tokens on the start event (as Anthropic's message_start has them), output on the finish.
const textStream = (text: string[]): CanonicalEvent[] => [
  { type: "start", id: "r1", model: "m", created: 1, usage: { inputTokens: 21, cacheReadTokens: 4 } },
  ...text.map((t): CanonicalEvent => ({ type: "text-delta", text: t })),
  { type: "finish", reason: "stop", usage: { outputTokens: 9 } },
];

describe("encodeStream, read by the OpenAI SDK", () => {
  let script: CanonicalEvent[] = [];
  const server = startSdkServer(() => ({ events: script }));
  afterAll(() => server.close());

  test("tool calls with full arguments, and usage when include_usage was asked", async () => {
    script = toolStream;
    const stream = server.client.chat.completions.stream({
      model: "gw",
      messages: [{ role: "user", content: "weather?" }],
      stream_options: { include_usage: true },
    });
    const reasoning: string[] = [];
    stream.on("chunk", (c) => {
      const delta = c.choices[0]?.delta as { reasoning_content?: string } | undefined;
      if (delta?.reasoning_content) reasoning.push(delta.reasoning_content);
    });
    const completion = await stream.finalChatCompletion();
    expect(completion.id).toBe("msg_1");
    expect(completion.model).toBe("claude-x");
    const choice = completion.choices[0];
    expect(choice.message.role).toBe("assistant");
    expect(choice.message.content).toBe("Checking now.");
    expect(choice.message.tool_calls).toEqual([
      { id: "toolu_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      { id: "toolu_b", type: "function", function: { name: "get_time", arguments: "{}" } },
    ]);
    expect(choice.finish_reason).toBe("tool_calls");
    expect(reasoning).toEqual(["Need two tools."]);
    expect(completion.usage).toEqual({
      prompt_tokens: 21,
      completion_tokens: 9,
      total_tokens: 30,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 2 },
    });
  });

  test("no usage chunk when the client did not ask; frames end with [DONE]", async () => {
    script = textStream(["Hel", "lo"]);
    const completion = await server.client.chat.completions
      .stream({ model: "gw", messages: [{ role: "user", content: "hi" }] })
      .finalChatCompletion();
    expect(completion.choices[0].message.content).toBe("Hello");
    expect(completion.choices[0].finish_reason).toBe("stop");
    expect(completion.usage ?? undefined).toBeUndefined();
    const raw = server.streams.at(-1)!;
    expect(raw).not.toContain('"usage"');
    expect(raw.endsWith("data: [DONE]\n\n")).toBe(true);
    const first = JSON.parse(raw.slice("data: ".length, raw.indexOf("\n\n")));
    expect(first.choices[0].delta).toEqual({ role: "assistant", content: "", refusal: null });
  });

  test("with include_usage, every chunk but the last carries usage: null and the last has choices: []", async () => {
    script = textStream(["a"]);
    await server.client.chat.completions
      .create({ model: "gw", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] })
      .then(async (s) => {
        for await (const _ of s) {
          /* drain */
        }
      });
    const frames = server.streams.at(-1)!.split("\n\n").filter(Boolean);
    expect(frames.at(-1)).toBe("data: [DONE]");
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.slice(6)));
    expect(chunks.slice(0, -1).every((c) => c.usage === null && c.choices.length === 1)).toBe(true);
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage).toMatchObject({
      prompt_tokens: 21,
      completion_tokens: 9,
      total_tokens: 30,
      prompt_tokens_details: { cached_tokens: 4 },
    });
  });

  test("an error mid-stream makes the SDK throw an APIError with the message", async () => {
    script = [
      { type: "start", id: "r", model: "m", created: 1 },
      { type: "text-delta", text: "partial" },
      { type: "error", error: new GatewayError("upstream", "Upstream connection lost", { status: 502 }) },
    ];
    const err = await server.client.chat.completions
      .stream({ model: "gw", messages: [{ role: "user", content: "hi" }] })
      .finalChatCompletion()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toContain("Upstream connection lost");
    expect(server.streams.at(-1)).not.toContain("[DONE]");
    expect(server.streams.at(-1)).toContain('"type":"server_error"');
  });

  test("a stream that ends without finish makes the SDK throw too", async () => {
    script = [
      { type: "start", id: "r", model: "m", created: 1 },
      { type: "text-delta", text: "cut" },
    ];
    const err = await server.client.chat.completions
      .stream({ model: "gw", messages: [{ role: "user", content: "hi" }] })
      .finalChatCompletion()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toContain("ended before the response finished");
  });

  test("a source that throws becomes an error frame, not a silent cut", async () => {
    async function* failing(): AsyncGenerator<CanonicalEvent> {
      yield { type: "start", id: "r", model: "m", created: 1 };
      throw new Error("socket hang up");
    }
    const frames: string[] = [];
    for await (const f of chat.encodeStream(
      failing(),
      chat.decodeRequest({ model: "m", stream: true, messages: [{ role: "user", content: "x" }] }),
    ))
      frames.push(f);
    expect(frames).toHaveLength(2);
    expect(JSON.parse(frames[1].slice(6)).error.message).toContain("socket hang up");
  });
});

describe("fake OpenAI upstream -> decodeStream -> encodeStream -> OpenAI SDK", () => {
  const upstream = startOpenAIUpstream({
    kind: "tool-calls",
    text: "On it.",
    calls: [
      { id: "call_1", name: "read_file", arguments: '{"path":"/etc/hosts"}' },
      { id: "call_2", name: "list_dir", arguments: '{"path":"/tmp"}' },
    ],
    usage: { input: 40, output: 8, cacheRead: 16 },
  });
  const server = startSdkServer(() => ({}));
  afterAll(async () => {
    await upstream.close();
    await server.close();
  });

  test("tool calls survive the round trip with their arguments and usage", async () => {
    // Translate the client's request for the upstream, run it, and feed the decoded events to the encoder.
    const clientReq = chat.decodeRequest({
      model: "gw",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "go" }],
    });
    const { body } = chat.encodeRequest({ ...clientReq, model: "gpt-4o" });
    const res = await fetch(chat.upstreamUrl(`${upstream.url}/v1/`, "gpt-4o", true), { method: "POST", body: JSON.stringify(body) });
    const events: CanonicalEvent[] = [];
    for await (const e of chat.decodeStream(parseSse(res.body!))) events.push(e);
    expect(upstream.requests[0].path).toBe("/v1/chat/completions");
    expect(upstream.requests[0].body.stream_options).toEqual({ include_usage: true });

    const local = startSdkServer(() => ({ events }));
    try {
      const completion = await local.client.chat.completions
        .stream({ model: "gw", messages: [{ role: "user", content: "go" }], stream_options: { include_usage: true } })
        .finalChatCompletion();
      expect(completion.choices[0].message.content).toBe("On it.");
      expect(
        completion.choices[0].message.tool_calls?.map((c) => c.type === "function" && [c.id, c.function.name, c.function.arguments]),
      ).toEqual([
        ["call_1", "read_file", '{"path":"/etc/hosts"}'],
        ["call_2", "list_dir", '{"path":"/tmp"}'],
      ]);
      expect(completion.usage?.prompt_tokens).toBe(40);
      expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(16);
    } finally {
      await local.close();
    }
  });
});
