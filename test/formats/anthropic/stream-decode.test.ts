// Anthropic SSE -> canonical events, from a realistic capture split at random byte boundaries through parseSse.
import { describe, expect, test } from "bun:test";
import { anthropicFormat } from "../../../src/formats/anthropic/index.ts";
import { parseSse } from "../../../src/canonical/sse.ts";
import type { CanonicalEvent } from "../../../src/canonical/response.ts";

// Shaped like a real api.anthropic.com stream (thinking + text + two tool calls), including a ping,
// an empty first input_json_delta, a server tool block between the tools, and cumulative usage in message_delta.
const CAPTURE = [
  `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_01WBeG2NaYQ8w99747S3n8MZ","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":423,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"cache_creation":{"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":0},"output_tokens":6,"service_tier":"standard"}}}`,
  `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}`,
  `event: ping\ndata: {"type": "ping"}`,
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"The user is asking for "}}`,
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"the weather in Florence — ünïcode."}}`,
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}}`,
  `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}`,
  `event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`,
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"I'll check "}}`,
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"both cities."}}`,
  `event: content_block_stop\ndata: {"type":"content_block_stop","index":1}`,
  `event: content_block_start\ndata: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01A","name":"weather","input":{}}}`,
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}`,
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\": \\"Flor"}}`,
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"ence, Italy\\"}"}}`,
  `event: content_block_stop\ndata: {"type":"content_block_stop","index":2}`,
  `event: content_block_start\ndata: {"type":"content_block_start","index":3,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}`,
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\":\\"x\\"}"}}`,
  `event: content_block_stop\ndata: {"type":"content_block_stop","index":3}`,
  `event: content_block_start\ndata: {"type":"content_block_start","index":4,"content_block":{"type":"tool_use","id":"toolu_01B","name":"weather","input":{}}}`,
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":4,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":\\"Rome\\"}"}}`,
  `event: content_block_stop\ndata: {"type":"content_block_stop","index":4}`,
  `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":423,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"output_tokens":187}}`,
  `event: message_stop\ndata: {"type":"message_stop"}`,
]
  .map((f) => `${f}\n\n`)
  .join("");

/** A body that delivers `bytes` in pieces cut at random byte offsets (so UTF-8 and lines split anywhere). */
function randomlySplit(bytes: Uint8Array, seed: number): ReadableStream<Uint8Array> {
  let state = seed;
  const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rand() * 40);
    pieces.push(bytes.slice(i, i + n));
    i += n;
  }
  return new ReadableStream({
    pull(c) {
      const p = pieces.shift();
      if (p) c.enqueue(p);
      else c.close();
    },
  });
}

async function decode(body: ReadableStream<Uint8Array>): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for await (const e of anthropicFormat.decodeStream(parseSse(body))) out.push(e);
  return out;
}

function withoutCreated(events: CanonicalEvent[]) {
  return events.map((e) => (e.type === "start" ? { ...e, created: 0 } : e));
}

const EXPECTED: CanonicalEvent[] = [
  {
    type: "start",
    id: "msg_01WBeG2NaYQ8w99747S3n8MZ",
    model: "claude-sonnet-4-20250514",
    created: 0,
    usage: { inputTokens: 2523, outputTokens: 6, cacheReadTokens: 2000, cacheWriteTokens: 100, reasoningTokens: 0 },
  },
  { type: "reasoning-delta", text: "The user is asking for " },
  { type: "reasoning-delta", text: "the weather in Florence — ünïcode." },
  { type: "reasoning-signature", signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" },
  { type: "text-delta", text: "I'll check " },
  { type: "text-delta", text: "both cities." },
  { type: "tool-call-start", index: 0, id: "toolu_01A", name: "weather" },
  { type: "tool-args-delta", index: 0, delta: '{"location": "Flor' },
  { type: "tool-args-delta", index: 0, delta: 'ence, Italy"}' },
  { type: "tool-call-end", index: 0 },
  { type: "tool-call-start", index: 1, id: "toolu_01B", name: "weather" },
  { type: "tool-args-delta", index: 1, delta: '{"location":"Rome"}' },
  { type: "tool-call-end", index: 1 },
  { type: "usage", usage: { inputTokens: 2523, outputTokens: 187, cacheReadTokens: 2000, cacheWriteTokens: 100, reasoningTokens: 0 } },
  {
    type: "finish",
    reason: "tool-calls",
    usage: { inputTokens: 2523, outputTokens: 187, cacheReadTokens: 2000, cacheWriteTokens: 100, reasoningTokens: 0 },
  },
];

describe("decodeStream", () => {
  test("a captured stream split at random byte boundaries decodes the same every time", async () => {
    const bytes = new TextEncoder().encode(CAPTURE);
    for (let seed = 1; seed <= 25; seed++) {
      expect(withoutCreated(await decode(randomlySplit(bytes, seed)))).toEqual(EXPECTED);
    }
    const crlf = new TextEncoder().encode(CAPTURE.replaceAll("\n", "\r\n"));
    expect(withoutCreated(await decode(randomlySplit(crlf, 99)))).toEqual(EXPECTED);
  });

  test("message_delta without input usage keeps the input from message_start", async () => {
    const text = [
      `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":30,"output_tokens":1}}}`,
      `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`,
      `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}`,
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":9}}`,
      `event: message_stop\ndata: {"type":"message_stop"}`,
    ]
      .map((f) => `${f}\n\n`)
      .join("");
    const events = await decode(new Response(text).body!);
    expect(events.at(-1)).toEqual({
      type: "finish",
      reason: "stop-sequence",
      stopSequence: "END",
      usage: { inputTokens: 30, outputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    });
  });

  test("event: error becomes a canonical error with the mapped kind", async () => {
    const text =
      `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":1,"output_tokens":1}}}\n\n` +
      `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
    const events = await decode(new Response(text).body!);
    const last = events.at(-1)!;
    expect(last.type).toBe("error");
    if (last.type !== "error") throw new Error("unreachable");
    expect(last.error.message).toBe("Overloaded");
    expect(last.error.status).toBe(529);
    const rate = await decode(
      new Response(`event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}\n\n`).body!,
    );
    expect(rate[0].type === "error" && rate[0].error.kind).toBe("rate_limit");
  });

  test("a stream that ends before message_stop ends in an error, not silence", async () => {
    const text = CAPTURE.slice(0, CAPTURE.indexOf("event: message_delta"));
    const events = await decode(new Response(text).body!);
    const last = events.at(-1)!;
    expect(last.type).toBe("error");
    expect(events.some((e) => e.type === "finish")).toBe(false);
  });
});
