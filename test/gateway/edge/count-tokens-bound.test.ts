// Counting tokens never stalls the gateway: a 2 MB count_tokens request (Anthropic and Gemini) costs the event loop
// a few ms, measured as /healthz's latency while it runs, and still answers a plausible count.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startGateway, type TestGateway } from "../../support/gateway.ts";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
  // An OpenAI-format provider: count_tokens resolves the model but counts locally (only Anthropic upstreams count for us).
  expect((await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: "http://127.0.0.1:9/v1" } })).status).toBe(201);
  expect((await countAnthropic("warm up")).status).toBe(200);
});
afterAll(async () => {
  await gw.close();
});

function countAnthropic(content: string | unknown[]): Promise<Response> {
  return fetch(`${gw.url}/v1/messages/count_tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content }] }),
  });
}

const WORDS = "the quick brown fox jumps over the lazy dog while the gateway counts tokens for every request".split(" ");

/** ~2 MB of ordinary words, a run of 200,000 CJK letters (one piece for o200k's pre-tokenizer) and runs of spaces and punctuation. */
function hostileText(): string {
  const words: string[] = [];
  for (let i = 0; words.length < 300_000; i++) words.push(WORDS[(i * 7) % WORDS.length]!);
  return `${words.join(" ")}\n${"漢".repeat(200_000)}\n${" ".repeat(100_000)}${"!?".repeat(50_000)}`;
}

/** Polls /healthz back to back while `work` runs; the slowest answer is how long the event loop was held at most. */
async function slowestHealthzDuring(work: Promise<Response>): Promise<{ slowestMs: number; polls: number; answer: Response }> {
  let done = false;
  const answered = work.finally(() => {
    done = true;
  });
  let slowestMs = 0;
  let polls = 0;
  while (!done) {
    const started = performance.now();
    const res = await fetch(`${gw.url}/healthz`);
    expect(res.status).toBe(200);
    slowestMs = Math.max(slowestMs, performance.now() - started);
    polls++;
  }
  return { slowestMs, polls, answer: await answered };
}

test("a 2 MB Anthropic count_tokens request leaves /healthz answering within milliseconds", async () => {
  const text = hostileText();
  expect(text.length).toBeGreaterThan(2_000_000);
  const work = countAnthropic([{ type: "text", text }]);
  const { slowestMs, answer } = await slowestHealthzDuring(work);
  expect(answer.status).toBe(200);
  const { input_tokens } = (await answer.json()) as { input_tokens: number };
  // The ordinary words alone are ~300,000 tokens: an estimate, within reason, not an exact count.
  expect(input_tokens).toBeGreaterThan(250_000);
  expect(input_tokens).toBeLessThan(2_500_000);
  // Counted exactly by o200k, this text held the event loop for minutes; bounded, a few ms (generous for a shared machine).
  expect(slowestMs).toBeLessThan(250);
}, 30_000);

test("a 2 MB Gemini countTokens request too", async () => {
  const text = hostileText();
  const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text }] }] });
  const work = fetch(`${gw.url}/v1beta/models/ds/deepseek-chat:countTokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const { slowestMs, answer } = await slowestHealthzDuring(work);
  expect(answer.status).toBe(200);
  expect(((await answer.json()) as { totalTokens: number }).totalTokens).toBeGreaterThan(250_000);
  expect(slowestMs).toBeLessThan(250);
}, 30_000);

test("a short text's count is o200k's", async () => {
  const res = await countAnthropic("count these few words please");
  const { countTokens } = await import("gpt-tokenizer/encoding/o200k_base");
  // The text, plus three tokens per message.
  expect(((await res.json()) as { input_tokens: number }).input_tokens).toBe(countTokens("count these few words please") + 3);
});
