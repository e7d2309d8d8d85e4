// The canonical request as CodeWhisperer's conversationState, the model ids, and Kiro's events as canonical stream events.
import { describe, expect, test } from "bun:test";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import { encodeEventStreamMessage, EventStreamDecoder } from "../../../src/providers/kiro/event-stream.ts";
import { kiroToCanonical } from "../../../src/providers/kiro/events.ts";
import { kiroModelId } from "../../../src/providers/kiro/models.ts";
import { buildKiroRequest } from "../../../src/providers/kiro/request.ts";
import { ToolNames } from "../../../src/providers/kiro/tool-names.ts";
import { readKiroError } from "../../../src/providers/kiro/response.ts";

const base = (over: Partial<CanonicalRequest>): CanonicalRequest => ({
  model: "claude-sonnet-4-5",
  messages: [],
  stream: true,
  extra: {},
  ...over,
});
const TOOL = { name: "Read", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } };

describe("conversationState", () => {
  test("system, alternating history, tool uses and results, images, and the current turn", () => {
    const { body, dropped } = buildKiroRequest(
      base({
        maxTokens: 1000,
        tools: [TOOL],
        messages: [
          { role: "system", content: [{ type: "text", text: "Be terse." }] },
          {
            role: "user",
            content: [
              { type: "text", text: "open a.txt" },
              { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "AAAA" } },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "thinking", text: "hmm" },
              { type: "text", text: "Reading." },
              { type: "tool-call", id: "t1", name: "Read", arguments: '{"path":"a.txt"}' },
            ],
          },
          { role: "user", content: [{ type: "tool-result", callId: "t1", content: [{ type: "text", text: "hello" }], isError: false }] },
          { role: "user", content: [{ type: "text", text: "and now?" }] },
        ],
      }),
      { profileArn: "arn:aws:codewhisperer:us-east-1:1:profile/X", conversationId: "c-1" },
    );
    expect(body).toEqual({
      conversationState: {
        chatTriggerType: "MANUAL",
        conversationId: "c-1",
        history: [
          {
            userInputMessage: {
              content: "Be terse.\n\nopen a.txt",
              modelId: "claude-sonnet-4.5",
              origin: "AI_EDITOR",
              images: [{ format: "jpeg", source: { bytes: "AAAA" } }],
            },
          },
          { assistantResponseMessage: { content: "Reading.", toolUses: [{ toolUseId: "t1", name: "Read", input: { path: "a.txt" } }] } },
        ],
        currentMessage: {
          userInputMessage: {
            content: "and now?",
            modelId: "claude-sonnet-4.5",
            origin: "AI_EDITOR",
            userInputMessageContext: {
              toolResults: [{ toolUseId: "t1", content: [{ text: "hello" }], status: "success" }],
              tools: [{ toolSpecification: { name: "Read", description: "Read a file", inputSchema: { json: TOOL.parameters } } }],
            },
          },
        },
      },
      profileArn: "arn:aws:codewhisperer:us-east-1:1:profile/X",
    });
    expect(dropped.sort()).toEqual(["maxTokens", "thinking"]);
  });

  test("without tools declared, tool history travels as text (Kiro refuses toolResults without tools)", () => {
    const { body } = buildKiroRequest(
      base({
        messages: [
          { role: "user", content: [{ type: "text", text: "q" }] },
          { role: "assistant", content: [{ type: "tool-call", id: "t1", name: "Read", arguments: "{}" }] },
          { role: "user", content: [{ type: "tool-result", callId: "t1", content: [{ type: "text", text: "out" }], isError: true }] },
        ],
      }),
      {},
    );
    const state = (body as any).conversationState;
    expect(state.history[1]).toEqual({ assistantResponseMessage: { content: "[Tool call Read (t1)] {}" } });
    expect(state.currentMessage.userInputMessage.content).toBe("[Tool result (t1)]\nout");
    expect(state.currentMessage.userInputMessage.userInputMessageContext).toBeUndefined();
  });

  test("a conversation that starts with the assistant or ends with it is made to start and end with a user turn", () => {
    const { body } = buildKiroRequest(base({ messages: [{ role: "assistant", content: [{ type: "text", text: "prefill" }] }] }), {});
    const state = (body as any).conversationState;
    expect(state.history.map((t: any) => Object.keys(t)[0])).toEqual(["userInputMessage", "assistantResponseMessage"]);
    expect(state.history[0].userInputMessage.content).toBe("(empty)");
    expect(state.currentMessage.userInputMessage.content).toBe("Continue");
  });

  test("tool names over 64 characters are shortened and mapped back; long descriptions move into the system text", () => {
    const long = `mcp__server__${"x".repeat(80)}`;
    const { body, toolNames } = buildKiroRequest(
      base({
        tools: [{ name: long, description: "d".repeat(10_001), parameters: {} }],
        messages: [{ role: "user", content: [{ type: "text", text: "go" }] }],
      }),
      {},
    );
    const spec = (body as any).conversationState.currentMessage.userInputMessage.userInputMessageContext.tools[0].toolSpecification;
    expect(spec.name.length).toBeLessThanOrEqual(64);
    expect(toolNames.fromKiro(spec.name)).toBe(long);
    expect(spec.description).toContain(`## Tool: ${long}`);
    expect((body as any).conversationState.currentMessage.userInputMessage.content).toStartWith(`## Tool: ${long}\nddd`);
  });

  test("model ids: Anthropic's dashed and dated names become Kiro's dotted ones", () => {
    expect(kiroModelId("claude-sonnet-4-5-20250929")).toBe("claude-sonnet-4.5");
    expect(kiroModelId("claude-sonnet-4.5")).toBe("claude-sonnet-4.5");
    expect(kiroModelId("claude-haiku-4-5")).toBe("claude-haiku-4.5");
    expect(kiroModelId("claude-sonnet-4-20250514")).toBe("claude-sonnet-4");
    expect(kiroModelId("claude-opus-4-5-20251101")).toBe("claude-opus-4.5");
    expect(kiroModelId("auto")).toBe("auto");
    expect(kiroModelId("CLAUDE_SONNET_4_20250514_V1_0")).toBe("CLAUDE_SONNET_4_20250514_V1_0");
  });
});

async function* messages(frames: Uint8Array[]) {
  const decoder = new EventStreamDecoder();
  for (const f of frames) yield* decoder.push(f);
}
const ev = (type: string, payload: unknown) =>
  encodeEventStreamMessage({ ":event-type": type, ":content-type": "application/json", ":message-type": "event" }, JSON.stringify(payload));

async function collect(frames: Uint8Array[], names = new ToolNames([])): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for await (const e of kiroToCanonical(messages(frames), {
    id: "msg_1",
    model: "m",
    toolNames: names,
    contextWindow: 200_000,
    estimatedInputTokens: 77,
  }))
    out.push(e);
  return out;
}

describe("Kiro events -> canonical", () => {
  test("text, two tool calls in pieces, context usage as input tokens", async () => {
    const events = await collect([
      ev("assistantResponseEvent", { content: "Hi" }),
      ev("toolUseEvent", { name: "A", toolUseId: "u1", input: '{"x":' }),
      ev("toolUseEvent", { name: "A", toolUseId: "u1", input: "1}" }),
      ev("toolUseEvent", { name: "B", toolUseId: "u2", input: { y: 2 } }),
      ev("toolUseEvent", { name: "B", toolUseId: "u2", stop: true }),
      ev("contextUsageEvent", { contextUsagePercentage: 1.5 }),
      ev("followupPromptEvent", { followupPrompt: { content: "ignored" } }),
    ]);
    expect(events.map((e) => e.type)).toEqual([
      "start",
      "text-delta",
      "tool-call-start",
      "tool-args-delta",
      "tool-args-delta",
      "tool-call-end",
      "tool-call-start",
      "tool-args-delta",
      "tool-call-end",
      "finish",
    ]);
    expect(events[6]).toEqual({ type: "tool-call-start", index: 1, id: "u2", name: "B" });
    expect(events[7]).toEqual({ type: "tool-args-delta", index: 1, delta: '{"y":2}' });
    expect(events.at(-1)).toMatchObject({ type: "finish", reason: "tool-calls", usage: { inputTokens: 3000 } });
  });

  test("no context report: the request's own estimate; text only finishes with stop", async () => {
    const events = await collect([ev("assistantResponseEvent", { content: "abcdefgh" })]);
    expect(events.at(-1)).toEqual({ type: "finish", reason: "stop", usage: { inputTokens: 77, outputTokens: 2 } });
  });

  test("an exception frame ends the stream with an error of the right kind", async () => {
    const exception = encodeEventStreamMessage(
      { ":exception-type": "ThrottlingException", ":content-type": "application/json", ":message-type": "exception" },
      JSON.stringify({ message: "Too many requests" }),
    );
    const events = await collect([
      ev("assistantResponseEvent", { content: "Hi" }),
      exception,
      ev("assistantResponseEvent", { content: "never" }),
    ]);
    expect(events.map((e) => e.type)).toEqual(["start", "text-delta", "error"]);
    const error = (events.at(-1) as Extract<CanonicalEvent, { type: "error" }>).error;
    expect(error).toMatchObject({ kind: "rate_limit", status: 429, code: "ThrottlingException" });
    expect(error.message).toContain("Too many requests");
  });

  test("upstream error bodies: expired token and monthly limit recognised", () => {
    expect(
      readKiroError(403, JSON.stringify({ message: "The bearer token included in the request is invalid.", reason: null })),
    ).toMatchObject({ tokenInvalid: true, status: 403 });
    expect(readKiroError(402, JSON.stringify({ message: "You have reached the limit.", reason: "MONTHLY_REQUEST_COUNT" }))).toMatchObject({
      monthlyLimit: true,
      status: 402,
    });
    expect(readKiroError(400, "Improperly formed request.").message).toBe("Kiro: Improperly formed request.");
  });
});
