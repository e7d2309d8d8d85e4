// The conformance cases: each drives one ingress SDK against one upstream fake and checks both ends of the gateway.
import { expect } from "bun:test";
import type { FormatId } from "../../src/formats/types.ts";
import type { FakeToolCall, Scenario } from "../fakes/scenario.ts";
import type { ToolSpec } from "./drivers/types.ts";
import { ask, type Case, type Cell, ok, single } from "./case-support.ts";
import { capture } from "./harness.ts";

/** A 1x1 PNG. */
export const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const WEATHER: ToolSpec = {
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: {
    type: "object",
    properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
    required: ["city"],
  },
};
const TIME: ToolSpec = {
  name: "get_time",
  description: "Current time in a time zone.",
  parameters: { type: "object", properties: { timezone: { type: "string" } }, required: ["timezone"] },
};

const WEATHER_CALL: FakeToolCall = { id: "call_weather_1", name: "get_weather", arguments: '{"city":"Paris","unit":"celsius"}' };
const TIME_CALL: FakeToolCall = { id: "call_time_2", name: "get_time", arguments: '{"timezone":"Europe/Paris"}' };

/** Upstream formats whose thinking carries an opaque signature the client must get back in some form. */
const SIGNS_THINKING: FormatId[] = ["anthropic", "gemini", "responses"];

/** Answer with tool calls until the request carries tool results, then with text. */
function toolsThenText(cell: Cell, calls: FakeToolCall[], final: Scenario): (req: { body: any }) => Scenario {
  return (req) =>
    cell.up.inspector.results(req.body).length > 0 ? final : { kind: "tool-calls", calls, usage: { input: 27, output: 14 } };
}

const text: Case = {
  name: "text",
  async run(cell) {
    cell.up.fake.setScenario({ kind: "text", text: "Hello, conformance!", chunks: 3, usage: { input: 23, output: 5 } });
    const { result, requests } = await capture(cell.up.fake, () =>
      cell.driver.send(ask(cell, { system: "You are terse.", prompt: "Say hello to the suite." })),
    );
    const turn = ok(result);
    const body = single(cell, requests);
    expect(cell.up.inspector.system(body)).toContain("You are terse.");
    expect(cell.up.inspector.userText(body)).toContain("Say hello to the suite.");
    // Every driver asks for 256 output tokens: never dropped, never replaced by a default.
    expect(cell.up.inspector.maxTokens(body)).toBe(256);
    expect(turn.text).toBe("Hello, conformance!");
    expect(turn.thinking).toBe("");
    expect(turn.toolCalls).toEqual([]);
    expect(turn.finish).toBe(cell.driver.finish.text);
    expect(turn.usage).toMatchObject({ input: 23, output: 5, cached: 0 });
  },
};

/** Cached prompt tokens: part of the input everywhere, but Anthropic's input_tokens leaves them out. */
const cachedUsage: Case = {
  name: "cached-token usage",
  async run(cell) {
    cell.up.fake.setScenario({ kind: "text", text: "Cached hello.", usage: { input: 100, output: 10, cacheRead: 60 } });
    const turn = ok(await cell.driver.send(ask(cell, { prompt: "Say hello again." })));
    expect(turn.text).toBe("Cached hello.");
    expect(turn.usage).toMatchObject({ input: 100, output: 10, cached: 60 });
  },
};

const length: Case = {
  name: "max-tokens finish",
  async run(cell) {
    cell.up.fake.setScenario({ kind: "text", text: "This answer was cut at max", finish: "length", usage: { input: 19, output: 8 } });
    const turn = ok(await cell.driver.send(ask(cell, { prompt: "Write a long story." })));
    expect(turn.text).toBe("This answer was cut at max");
    expect(turn.finish).toBe(cell.driver.finish.length);
    expect(turn.usage).toMatchObject({ input: 19, output: 8, cached: 0 });
  },
};

const toolRoundTrip: Case = {
  name: "tool round trip",
  async run(cell) {
    const { inspector, fake } = cell.up;
    fake.setScenario(
      toolsThenText(cell, [WEATHER_CALL], { kind: "text", text: "It is 22 C and sunny in Paris.", usage: { input: 31, output: 9 } }),
    );
    const a = ask(cell, { prompt: "What is the weather in Paris?", tools: [WEATHER] });

    const first = await capture(fake, () => cell.driver.send(a));
    const turn1 = ok(first.result);
    const body1 = single(cell, first.requests);
    expect(inspector.toolNames(body1)).toEqual(["get_weather"]);
    expect(inspector.toolSchema(body1, "get_weather")?.properties?.city).toBeDefined();
    expect(turn1.toolCalls.length).toBe(1);
    const call = turn1.toolCalls[0]!;
    expect(call.name).toBe("get_weather");
    expect(call.args).toEqual({ city: "Paris", unit: "celsius" });
    expect(typeof call.id === "string" && call.id.length > 0).toBe(true);
    expect(turn1.finish).toBe(cell.driver.finish.tools);
    expect(turn1.usage).toMatchObject({ input: 27, output: 14, cached: 0 });

    const second = await capture(fake, () =>
      cell.driver.sendToolResults(a, turn1, [{ callId: call.id, name: call.name, output: "22 C and sunny" }]),
    );
    const turn2 = ok(second.result);
    const body2 = single(cell, second.requests);
    const calls = inspector.calls(body2);
    const results = inspector.results(body2);
    expect(calls.map((c) => ({ name: c.name, args: c.args }))).toEqual([{ name: "get_weather", args: { city: "Paris", unit: "celsius" } }]);
    expect(results.length).toBe(1);
    expect(results[0]!.content).toContain("22 C and sunny");
    expect(inspector.linked(calls[0]!, results[0]!)).toBe(true);
    expect(turn2.text).toBe("It is 22 C and sunny in Paris.");
    expect(turn2.toolCalls).toEqual([]);
    expect(turn2.finish).toBe(cell.driver.finish.text);
    expect(turn2.usage).toMatchObject({ input: 31, output: 9, cached: 0 });
  },
};

const parallelCalls: Case = {
  name: "parallel tool calls",
  async run(cell) {
    cell.up.fake.setScenario({ kind: "tool-calls", calls: [WEATHER_CALL, TIME_CALL], usage: { input: 33, output: 21 } });
    const turn = ok(await cell.driver.send(ask(cell, { prompt: "Weather and time in Paris?", tools: [WEATHER, TIME] })));
    expect(turn.toolCalls.map((c) => ({ name: c.name, args: c.args }))).toEqual([
      { name: "get_weather", args: { city: "Paris", unit: "celsius" } },
      { name: "get_time", args: { timezone: "Europe/Paris" } },
    ]);
    expect(new Set(turn.toolCalls.map((c) => c.id)).size).toBe(2);
    expect(turn.text).toBe("");
    expect(turn.finish).toBe(cell.driver.finish.tools);
    expect(turn.usage).toMatchObject({ input: 33, output: 21, cached: 0 });
  },
};

function parallelResults(name: string, calls: FakeToolCall[], upstreams?: FormatId[]): Case {
  return { name, upstreams, run: (cell) => parallelRoundTrip(cell, calls) };
}

async function parallelRoundTrip(cell: Cell, upstreamCalls: FakeToolCall[]): Promise<void> {
  const { inspector, fake } = cell.up;
  fake.setScenario(toolsThenText(cell, upstreamCalls, { kind: "text", text: "Sunny, and it is noon.", usage: { input: 45, output: 6 } }));
  const a = ask(cell, { prompt: "Weather and time in Paris?", tools: [WEATHER, TIME] });
  const turn1 = ok(await cell.driver.send(a));
  expect(turn1.toolCalls.map((c) => c.name)).toEqual(["get_weather", "get_time"]);
  expect(turn1.toolCalls.every((c) => typeof c.id === "string" && c.id.length > 0)).toBe(true);
  expect(new Set(turn1.toolCalls.map((c) => c.id)).size).toBe(2);
  const outputs = turn1.toolCalls.map((c) => ({
    callId: c.id,
    name: c.name,
    output: c.name === "get_weather" ? "22 C and sunny" : "12:00 CET",
  }));

  const second = await capture(fake, () => cell.driver.sendToolResults(a, turn1, outputs));
  const turn2 = ok(second.result);
  const body = single(cell, second.requests);
  const calls = inspector.calls(body);
  const results = inspector.results(body);
  expect(calls.map((c) => c.name)).toEqual(["get_weather", "get_time"]);
  expect(results.length).toBe(2);
  const weather = results.find((r) => r.content.includes("22 C and sunny"));
  const time = results.find((r) => r.content.includes("12:00 CET"));
  expect(weather && inspector.linked(calls[0]!, weather)).toBe(true);
  expect(time && inspector.linked(calls[1]!, time)).toBe(true);
  if (inspector.groupsParallelResults) expect(weather!.turn).toBe(time!.turn);
  expect(turn2.text).toBe("Sunny, and it is noon.");
  expect(turn2.finish).toBe(cell.driver.finish.text);
}

const thinking: Case = {
  name: "thinking",
  async run(cell) {
    cell.up.fake.setScenario({
      kind: "thinking",
      thinking: "Let me think step by step.",
      signature: "sig-conf-123",
      text: "The answer is 42.",
      usage: { input: 40, output: 30, reasoning: 12 },
    });
    const { result, requests } = await capture(cell.up.fake, () =>
      cell.driver.send(ask(cell, { prompt: "What is six times seven?", thinking: true })),
    );
    const turn = ok(result);
    const body = single(cell, requests);
    expect(cell.up.inspector.thinkingRequested(body)).toBe(true);
    expect(turn.thinking).toBe("Let me think step by step.");
    expect(turn.text).toBe("The answer is 42.");
    if (cell.driver.hasThinkingSignature) {
      expect(typeof turn.thinkingSignature).toBe("string");
      if (SIGNS_THINKING.includes(cell.up.format)) expect(turn.thinkingSignature).toContain("sig-conf-123");
    }
    expect(turn.finish).toBe(cell.driver.finish.text);
    expect(turn.usage).toMatchObject({ input: 40, output: 30, cached: 0 });
    if (turn.usage?.reasoning !== undefined) expect(turn.usage.reasoning).toBe(12);
  },
};

/**
 * The next turn replays the thinking as the client got it: the upstream must find its own signature back, unchanged,
 * in its own field. Only from formats that can carry a signature (Chat Completions has no field for one), and only to
 * upstreams that need it back: Anthropic (thinking blocks) and stateless Responses (encrypted_content). Gemini does
 * not need thoughts back, only the signatures of function calls (see the next case), and the gateway drops them.
 */
const thinkingReplay: Case = {
  name: "thinking signature replayed",
  ingresses: SIGNS_THINKING,
  upstreams: ["anthropic", "responses"],
  async run(cell) {
    const followUp = "And eight times nine?";
    cell.up.fake.setScenario((req) =>
      cell.up.inspector.userText(req.body).includes(followUp)
        ? { kind: "text", text: "72." }
        : { kind: "thinking", thinking: "Six sevens.", signature: "sig-conf-123", text: "42." },
    );
    const a = ask(cell, { prompt: "What is six times seven?", thinking: true });
    const turn1 = ok(await cell.driver.send(a));
    expect(turn1.thinking).toBe("Six sevens.");
    const second = await capture(cell.up.fake, () => cell.driver.sendFollowUp(a, turn1, followUp));
    const turn2 = ok(second.result);
    const body = single(cell, second.requests);
    expect(cell.up.inspector.thinkingSignatures(body)).toEqual(["sig-conf-123"]);
    expect(turn2.text).toBe("72.");
  },
};

/** Gemini's documented stand-in for a function-call step that carries no signature of its own. */
const SKIP_SIGNATURE = "skip_thought_signature_validator";

/**
 * Gemini 3 answers 400 when a replayed step of function calls has no thoughtSignature, and loses its reasoning
 * continuity with the documented stand-in: the call's own signature must come back, whatever the client's format.
 */
const callSignatureReplay: Case = {
  name: "function-call signature replayed",
  upstreams: ["gemini"],
  async run(cell) {
    const { inspector, fake } = cell.up;
    fake.setScenario(toolsThenText(cell, [{ ...WEATHER_CALL, signature: "fc-sig-9" }], { kind: "text", text: "Sunny." }));
    const a = ask(cell, { prompt: "What is the weather in Paris?", tools: [WEATHER] });
    const turn1 = ok(await cell.driver.send(a));
    expect(turn1.toolCalls.length).toBe(1);
    const call = turn1.toolCalls[0]!;
    const second = await capture(fake, () =>
      cell.driver.sendToolResults(a, turn1, [{ callId: call.id, name: call.name, output: "22 C and sunny" }]),
    );
    ok(second.result);
    const body = single(cell, second.requests);
    const signatures = inspector.thinkingSignatures(body);
    expect(signatures.length).toBe(1);
    // Every client carries it: Gemini natively, Anthropic in a thinking block's signature, OpenAI Chat and Responses
    // in the tool call id (src/canonical/tool-call-signature.ts); never Google's stand-in, which costs Gemini 3 its reasoning.
    expect(signatures[0]).toBe("fc-sig-9");
    expect(signatures).not.toContain(SKIP_SIGNATURE);
  },
};

const image: Case = {
  name: "image input",
  async run(cell) {
    cell.up.fake.setScenario({ kind: "text", text: "A single pixel.", usage: { input: 85, output: 4 } });
    const { result, requests } = await capture(cell.up.fake, () =>
      cell.driver.send(ask(cell, { prompt: "Describe this image.", image: { mediaType: "image/png", data: PNG } })),
    );
    const turn = ok(result);
    const body = single(cell, requests);
    expect(cell.up.inspector.images(body)).toEqual([{ mediaType: "image/png", data: PNG }]);
    expect(cell.up.inspector.userText(body)).toContain("Describe this image.");
    expect(turn.text).toBe("A single pixel.");
    expect(turn.usage).toMatchObject({ input: 85, output: 4, cached: 0 });
  },
};

/** The error kind each client format names for a status, in its own words. */
const ERROR_TYPE: Record<FormatId, Record<number, string>> = {
  "openai-chat": { 429: "requests", 500: "server_error" },
  responses: { 429: "requests", 500: "server_error" },
  anthropic: { 429: "rate_limit_error", 500: "api_error" },
  gemini: { 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL" },
};

function upstreamError(status: number, message: string): Case {
  return {
    name: `upstream ${status}`,
    async run(cell) {
      cell.up.fake.setScenario({ kind: "error", status, message });
      try {
        const turn = await cell.driver.send(ask(cell, { prompt: "Hello?" }));
        expect(turn.error).toBeDefined();
        const err = turn.error!;
        expect(err.shaped).toBe(true);
        expect(err.status).toBe(status);
        expect(err.type).toBe(ERROR_TYPE[cell.driver.format][status]);
        expect(err.message).toContain(message);
        expect(turn.text).toBe("");
      } finally {
        cell.up.fake.setScenario({ kind: "text", text: "ok" });
        cell.rig.clearHealth();
      }
    },
  };
}

/**
 * The upstream's answer breaks: its connection cut mid-answer ("cut"), or its body ended cleanly before the answer
 * finished ("truncated"). The client must get an error in its own format, never a clean-looking end.
 */
function brokenAnswer(name: string, kind: "cut" | "truncated"): Case {
  return {
    name,
    async run(cell) {
      cell.up.fake.setScenario({ kind, text: "This answer will break off before its end.", afterChunks: 1 });
      try {
        const turn = await cell.driver.send(ask(cell, { prompt: "Tell me something." }));
        expect(turn.error).toBeDefined();
        expect(turn.error!.shaped).toBe(true);
        if (!cell.stream) expect(turn.error!.status).toBe(502);
      } finally {
        cell.up.fake.setScenario({ kind: "text", text: "ok" });
        cell.rig.clearHealth();
      }
    },
  };
}

/**
 * Responses state kept by the gateway, whatever the upstream: turn 2 names turn 1 by previous_response_id, or names
 * its output items by item_reference, and the upstream still gets the whole conversation.
 */
function statefulFollowUp(name: string, send: "sendWithPrevious" | "sendWithReferences"): Case {
  return {
    name,
    ingresses: ["responses"],
    async run(cell) {
      const followUp = "And eight times nine?";
      cell.up.fake.setScenario((req) =>
        cell.up.inspector.userText(req.body).includes(followUp)
          ? { kind: "text", text: "Seventy-two." }
          : { kind: "text", text: "Forty-two." },
      );
      const a = ask(cell, { prompt: "What is six times seven?", store: true });
      const turn1 = ok(await cell.driver.send(a));
      expect(turn1.text).toBe("Forty-two.");
      const second = await capture(cell.up.fake, () => cell.driver[send]!(a, turn1, followUp));
      const turn2 = ok(second.result);
      const body = single(cell, second.requests);
      const userText = cell.up.inspector.userText(body);
      expect(userText).toContain("What is six times seven?");
      expect(userText).toContain(followUp);
      expect(JSON.stringify(body)).toContain("Forty-two.");
      expect(turn2.text).toBe("Seventy-two.");
    },
  };
}

export const CASES: Case[] = [
  text,
  cachedUsage,
  length,
  toolRoundTrip,
  parallelCalls,
  parallelResults("parallel tool results", [WEATHER_CALL, TIME_CALL]),
  // The Gemini API usually sends function calls without ids: the gateway must invent distinct ones and link the results by name.
  parallelResults(
    "parallel tool results, calls without ids",
    [
      { ...WEATHER_CALL, id: "" },
      { ...TIME_CALL, id: "" },
    ],
    ["gemini"],
  ),
  thinking,
  thinkingReplay,
  callSignatureReplay,
  image,
  upstreamError(429, "Rate limit reached for conformance"),
  upstreamError(500, "The fake upstream exploded"),
  brokenAnswer("upstream cut mid-answer", "cut"),
  brokenAnswer("upstream ends before its answer finished", "truncated"),
  statefulFollowUp("previous_response_id", "sendWithPrevious"),
  statefulFollowUp("item_reference", "sendWithReferences"),
];
