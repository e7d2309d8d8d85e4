// The Responses push encoder fed by hand gives exactly the frames encodeStream gives for the same events.
import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { responsesFormat as f } from "../../../src/formats/responses/index.ts";
import { packSignature } from "../../../src/formats/responses/reasoning-signature.ts";
import { dataOf, feedAsync, feedByHand, stable } from "../encoder-codec-support.ts";

const req = f.decodeRequest({ model: "gpt-5", input: "weather and time?", stream: true });
/** Item ids are random, completed_at is the clock. */
const RANDOM = [/(?<=")(resp|msg|rs|fc|ctc)_[0-9a-f]{48}(?=")/g, /(?<="completed_at":)\d+/g];
const encodeStream = (events: AsyncIterable<CanonicalEvent>) => f.encodeStream(events, req);

/** Reasoning, text, two parallel calls whose argument deltas interleave, finish, then late usage and late events. */
const PARALLEL: CanonicalEvent[] = [
  { type: "start", id: "chatcmpl-9", model: "gpt-5", created: 1700000000 },
  { type: "reasoning-delta", text: "Need two tools." },
  { type: "reasoning-signature", signature: packSignature("rs_up", "gAAAAenc") },
  { type: "text-delta", text: "Let me check." },
  { type: "tool-call-start", index: 0, id: "call_a", name: "weather" },
  { type: "tool-call-start", index: 1, id: "call_b", name: "time" },
  { type: "tool-args-delta", index: 0, delta: '{"city":' },
  { type: "tool-args-delta", index: 1, delta: '{"tz":"CET"}' },
  { type: "tool-args-delta", index: 0, delta: '"Paris"}' },
  { type: "tool-call-end", index: 1 },
  { type: "finish", reason: "tool-calls", usage: { outputTokens: 90 } },
  { type: "text-delta", text: "after finish" },
  { type: "error", error: new GatewayError("upstream", "late") },
  { type: "usage", usage: { inputTokens: 50 } },
];

type Frame = { type: string; sequence_number: number; response?: { status: string; usage: unknown; error?: { message: string } } };

describe("responses streamEncoder", () => {
  test("parallel calls, late usage, events after finish: the same frames as encodeStream", async () => {
    const byHand = stable(feedByHand(f.streamEncoder(req), PARALLEL), RANDOM);
    expect(byHand).toEqual(stable(await feedAsync(encodeStream, PARALLEL), RANDOM));
    const frames = dataOf(byHand) as Frame[];
    expect(frames.map((fr) => fr.sequence_number)).toEqual(frames.map((_, i) => i));
    expect(byHand.join("")).not.toContain("after finish");
    expect(frames.at(-1)).toMatchObject({
      type: "response.completed",
      response: { status: "completed", usage: { input_tokens: 50, output_tokens: 90 } },
    });
    // call_a never ended: finish closed it before the response completed.
    expect(frames.filter((fr) => fr.type === "response.function_call_arguments.done")).toHaveLength(2);
  });

  test("a failure after finish completes the response; before it, response.failed", async () => {
    const finished: CanonicalEvent[] = [
      { type: "text-delta", text: "hi" },
      { type: "finish", reason: "stop" },
    ];
    const cut = new GatewayError("unreachable", "The upstream stream broke off: socket hang up");
    const afterFinish = stable(feedByHand(f.streamEncoder(req), finished, cut), RANDOM);
    expect(afterFinish).toEqual(stable(await feedAsync(encodeStream, finished, cut), RANDOM));
    expect((dataOf(afterFinish) as Frame[]).at(-1)?.type).toBe("response.completed");

    const partial: CanonicalEvent[] = [{ type: "text-delta", text: "par" }];
    const failed = stable(feedByHand(f.streamEncoder(req), partial, cut), RANDOM);
    expect(failed).toEqual(stable(await feedAsync(encodeStream, partial, cut), RANDOM));
    expect((dataOf(failed) as Frame[]).at(-1)).toMatchObject({ type: "response.failed", response: { error: { message: cut.message } } });
  });

  test("an error event and an end without finish each end in response.failed", async () => {
    const head: CanonicalEvent[] = [
      { type: "start", id: "r", model: "m", created: 1 },
      { type: "text-delta", text: "par" },
    ];
    const errored: CanonicalEvent[] = [
      ...head,
      { type: "error", error: new GatewayError("rate_limit", "Upstream rate limited") },
      { type: "text-delta", text: "more" },
    ];
    for (const [events, message] of [
      [errored, "Upstream rate limited"],
      [head, "ended before the response was complete"],
    ] as const) {
      const byHand = stable(feedByHand(f.streamEncoder(req), [...events]), RANDOM);
      expect(byHand).toEqual(stable(await feedAsync(encodeStream, [...events]), RANDOM));
      const last = (dataOf(byHand) as Frame[]).at(-1);
      expect(last?.type).toBe("response.failed");
      expect(last?.response?.error?.message).toContain(message);
    }
  });
});
