// The Chat push encoder fed by hand gives exactly the frames encodeStream gives for the same events.
import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";
import { openaiChatFormat as chat } from "../../../src/formats/openai-chat/index.ts";
import { dataOf, feedAsync, feedByHand, stable } from "../encoder-codec-support.ts";

const req = chat.decodeRequest({
  model: "m",
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: "user", content: "x" }],
});
const CHATCMPL = [/chatcmpl-[0-9a-f]{24}/g];

/** Thinking, text, then two parallel calls whose argument deltas interleave, late usage and finish. */
const PARALLEL: CanonicalEvent[] = [
  { type: "start", id: "msg_1", model: "claude-x", created: 1700000000, usage: { inputTokens: 21 } },
  { type: "reasoning-delta", text: "Need two tools." },
  { type: "reasoning-signature", signature: "sig" },
  { type: "text-delta", text: "Checking" },
  { type: "text-delta", text: "" },
  { type: "tool-call-start", index: 0, id: "toolu_a", name: "get_weather" },
  { type: "tool-call-start", index: 1, id: "toolu_b", name: "get_time" },
  { type: "tool-args-delta", index: 0, delta: '{"city":' },
  { type: "tool-args-delta", index: 1, delta: "{}" },
  { type: "tool-args-delta", index: 0, delta: '"Paris"}' },
  { type: "tool-call-end", index: 1 },
  { type: "tool-call-end", index: 0 },
  { type: "usage", usage: { cacheReadTokens: 4 } },
  { type: "finish", reason: "tool-calls", usage: { outputTokens: 9 } },
  { type: "text-delta", text: "after the end" },
];

const encodeStream = (events: AsyncIterable<CanonicalEvent>) => chat.encodeStream(events, req);

describe("openai-chat streamEncoder", () => {
  test("parallel tool calls: the same frames as encodeStream, ending with usage and [DONE]", async () => {
    const byHand = feedByHand(chat.streamEncoder(req), PARALLEL);
    expect(byHand).toEqual(await feedAsync(encodeStream, PARALLEL));
    const data = dataOf(byHand);
    expect(data.at(-1)).toBe("[DONE]");
    expect(data.at(-2)).toMatchObject({ choices: [], usage: { prompt_tokens: 21, completion_tokens: 9 } });
    expect(data.at(-3)).toMatchObject({ choices: [{ delta: {}, finish_reason: "tool_calls" }] });
    expect(byHand.join("")).not.toContain("after the end");
    expect(byHand).toHaveLength(11); // role, reasoning, text, 2 starts, 3 argument deltas, finish, usage, [DONE]
  });

  test("no start event: the first chunk is made from the request", async () => {
    const events: CanonicalEvent[] = [
      { type: "text-delta", text: "hi" },
      { type: "finish", reason: "stop" },
    ];
    const byHand = stable(feedByHand(chat.streamEncoder(req), events), CHATCMPL);
    expect(byHand).toEqual(stable(await feedAsync(encodeStream, events), CHATCMPL));
    expect(dataOf(byHand)[0]).toMatchObject({ id: "<id0>", model: "m", choices: [{ delta: { role: "assistant", content: "" } }] });
  });

  test("an error event, an early end and a failure each give one error frame and no [DONE]", async () => {
    const head: CanonicalEvent[] = [
      { type: "start", id: "r", model: "m", created: 1 },
      { type: "text-delta", text: "par" },
    ];
    const limited = new GatewayError("rate_limit", "Upstream rate limited");
    const errored: CanonicalEvent[] = [...head, { type: "error", error: limited }, { type: "text-delta", text: "more" }];
    const cases: Array<[string[], string[], string]> = [
      [feedByHand(chat.streamEncoder(req), errored), await feedAsync(encodeStream, errored), "Upstream rate limited"],
      [feedByHand(chat.streamEncoder(req), head), await feedAsync(encodeStream, head), "ended before the response finished"],
      [feedByHand(chat.streamEncoder(req), head, limited), await feedAsync(encodeStream, head, limited), "Upstream rate limited"],
    ];
    for (const [byHand, viaStream, message] of cases) {
      expect(byHand).toEqual(viaStream);
      expect(byHand).toHaveLength(3);
      expect((dataOf(byHand)[2] as { error: { message: string } }).error.message).toContain(message);
    }
  });
});
