// GET /metrics after a known set of requests (successes, a stream, an upstream 500, a fallback, a cache miss and hit,
// another wire format, a made-up model): every counter equals what the usage table holds.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { listUsageLogs, type UsageRow } from "../../src/db/queries/usage.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, one sample a line. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The samples of `name`, keyed by the values of `keys` joined with "|". */
function byLabels(samples: Sample[], name: string, keys: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples.filter((x) => x.name === name)) {
    const k = keys.map((key) => s.labels[key] ?? "").join("|");
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}

function sumBy(rows: UsageRow[], key: (r: UsageRow) => string, value: (r: UsageRow) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const v = value(r);
    if (v === 0) continue;
    out.set(key(r), (out.get(key(r)) ?? 0) + v);
  }
  return out;
}

const FORMAT: Record<string, string> = { "chat.completions": "openai-chat", messages: "anthropic" };
/** Configured names keep their label; the made-up one is counted as "other". */
const modelLabel = (r: UsageRow) => {
  const m = r.modelServed ?? r.modelRequested;
  return m === "made-up-model" ? "other" : m;
};
const kept = (r: UsageRow) => r.cache === "hit" || r.cache === "replay";

let gw: TestGateway;
let deepseek: FakeUpstream;
let openai: FakeUpstream;
let key: string;
let keyId: string;

beforeAll(async () => {
  deepseek = startOpenAIUpstream();
  openai = startOpenAIUpstream();
  gw = await startGateway();
  await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${deepseek.url}/v1` } });
  await gw.api("/api/providers", { body: { provider: "openai", apiKey: "k", baseUrl: `${openai.url}/v1` } });
  await gw.api("/api/combos", { body: { name: "team", models: ["ds/deepseek-chat", "openai/gpt-5"] } });
  await gw.api("/api/settings", { method: "PUT", body: { cache: { enabled: true, ttlSeconds: 60 } } });
  const created = await gw.services.apiKeys.create("metrics-client", []);
  key = created.key;
  keyId = created.row.id;
  await gw.services.budgets.set(keyId, "daily", 100);
});
afterAll(async () => {
  await gw.close();
  await Promise.all([deepseek.close(), openai.close()]);
});

/** The HTTP status an SDK call ended with. */
function statusOf(call: Promise<unknown>): Promise<number> {
  return call.then(
    () => 200,
    (err: { status?: number }) => err.status ?? 0,
  );
}

async function scrape(): Promise<Sample[]> {
  const res = await gw.app.request("/metrics", { headers: { authorization: `Bearer ${await gw.adminKey()}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("text/plain");
  return parseExposition(await res.text());
}

describe("GET /metrics", () => {
  test("after a known set of requests, the counters equal the usage table", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    // Two successes, one with cached and reasoning tokens.
    deepseek.setScenario({ kind: "text", text: "one", usage: { input: 30, output: 12, cacheRead: 10, reasoning: 4 } });
    await client.chat.completions.create({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "first" }] });
    deepseek.setScenario({ kind: "text", text: "two", usage: { input: 8, output: 5 } });
    await client.chat.completions.create({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "second" }] });
    // A stream.
    const stream = await client.chat.completions.create({
      model: "ds/deepseek-chat",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "stream" }],
    });
    for await (const _ of stream) void _;
    // The Anthropic wire format, translated.
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
    await anthropic.messages.create({ model: "ds/deepseek-chat", max_tokens: 50, messages: [{ role: "user", content: "hello" }] });
    // A cache miss, then a hit.
    const cached = { model: "ds/deepseek-chat", temperature: 0, messages: [{ role: "user" as const, content: "cache me" }] };
    await client.chat.completions.create(cached);
    await client.chat.completions.create(cached);
    // An upstream 500 with nowhere to go.
    deepseek.setScenario({ kind: "error", status: 500, message: "overloaded" });
    expect(
      await statusOf(client.chat.completions.create({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "fails" }] })),
    ).toBe(500);
    // A fallback: deepseek fails, openai answers.
    gw.services.health.breakers.reset();
    openai.setScenario({ kind: "text", text: "from openai", usage: { input: 11, output: 6 } });
    await client.chat.completions.create({ model: "team", messages: [{ role: "user", content: "fall back" }] });
    // A model nobody configured.
    expect(
      await statusOf(client.chat.completions.create({ model: "made-up-model", messages: [{ role: "user", content: "?" }] })),
    ).toBeGreaterThanOrEqual(400);
    await gw.services.usage.written();

    const rows = await listUsageLogs(gw.services.store, { limit: 100 });
    expect(rows.length).toBe(9);
    const samples = await scrape();
    const provider = (r: UsageRow) => r.provider ?? "none";

    expect(byLabels(samples, "omniroute_requests_total", ["format", "provider", "model", "status"])).toEqual(
      sumBy(
        rows,
        (r) => [FORMAT[r.endpoint], provider(r), modelLabel(r), String(r.status)].join("|"),
        () => 1,
      ),
    );
    const tokenRows = (type: string, v: (r: UsageRow) => number) => [...sumBy(rows, (r) => `${provider(r)}|${modelLabel(r)}|${type}`, v)];
    expect(byLabels(samples, "omniroute_tokens_total", ["provider", "model", "type"])).toEqual(
      new Map(
        [
          ...tokenRows("input", (r) => r.inputTokens),
          ...tokenRows("output", (r) => r.outputTokens),
          ...tokenRows("cached", (r) => r.cacheReadTokens),
          ...tokenRows("cache_write", (r) => r.cacheWriteTokens),
          ...tokenRows("reasoning", (r) => r.reasoningTokens),
        ].reduce((m, [k, v]) => m.set(k, v), new Map<string, number>()),
      ),
    );
    const cost = byLabels(samples, "omniroute_cost_usd_total", ["provider", "model"]);
    const expectedCost = sumBy(
      rows,
      (r) => `${provider(r)}|${modelLabel(r)}`,
      (r) => r.costUsd,
    );
    expect([...cost.keys()].sort()).toEqual([...expectedCost.keys()].sort());
    for (const [k, v] of expectedCost) expect(cost.get(k)!).toBeCloseTo(v, 12);
    expect(expectedCost.size).toBeGreaterThan(0);

    const called = rows.filter((r) => !kept(r));
    expect(byLabels(samples, "omniroute_request_duration_seconds_count", ["provider", "model"])).toEqual(
      sumBy(
        called,
        (r) => `${provider(r)}|${modelLabel(r)}`,
        () => 1,
      ),
    );
    expect(byLabels(samples, "omniroute_time_to_first_token_seconds_count", ["provider", "model"])).toEqual(
      sumBy(
        called.filter((r) => r.ttftMs !== null),
        (r) => `${provider(r)}|${modelLabel(r)}`,
        () => 1,
      ),
    );
    expect(byLabels(samples, "omniroute_cache_requests_total", ["result"])).toEqual(
      sumBy(
        rows.filter((r) => r.cache),
        (r) => r.cache!,
        () => 1,
      ),
    );
    expect(byLabels(samples, "omniroute_fallbacks_total", []).get("") ?? 0).toBe(
      called.reduce((n, r) => n + Math.max(0, r.attempt - 1), 0),
    );
    expect(byLabels(samples, "omniroute_fallbacks_total", []).get("")).toBe(1);
    // Every upstream call is one attempt: the rows' attempt numbers add up to them.
    const attempts = byLabels(samples, "omniroute_upstream_attempts_total", ["provider", "outcome"]);
    expect([...attempts.values()].reduce((a, b) => a + b, 0)).toBe(called.filter((r) => r.connectionId).reduce((n, r) => n + r.attempt, 0));
    expect(attempts.get("deepseek|server_error")).toBe(2);
    expect(attempts.get("openai|success")).toBe(1);
    expect(attempts.get("deepseek|success")).toBe(5);

    const gauge = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(gauge("omniroute_inflight_requests")).toBe(0);
    const phase = gw.services.health.breakers.list().find((b) => b.provider === "deepseek")?.phase ?? "closed";
    expect(gauge("omniroute_circuit_breaker_state", { provider: "deepseek" })).toBe({ closed: 0, half_open: 1, open: 2 }[phase]);
    expect(gauge("omniroute_circuit_breaker_state", { provider: "openai" })).toBe(0);
    expect(gauge("omniroute_account_cooldowns", { provider: "deepseek" })).toBe(gw.services.health.cooldowns.active().length);
    const spent = gw.services.budgets.list().find((b) => b.keyId === keyId)!.spent;
    expect(gauge("omniroute_budget_spent_usd", { key: "metrics-client", period: "daily" })).toBeCloseTo(spent, 12);
    expect(spent).toBeGreaterThan(0);
    expect(gauge("process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  test("a stream still open counts in flight, and no longer once it ended", async () => {
    const inflight = async () => (await scrape()).find((s) => s.name === "omniroute_inflight_requests")?.value;
    // Six frames 150 ms apart: the answer is open while the first has arrived and the last has not.
    deepseek.setScenario({ kind: "text", text: "slow answer in parts", chunks: 6, delayMs: 150 });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "slowly" }] }),
    });
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    expect(await inflight()).toBe(1);
    while (!(await reader.read()).done) {}
    await gw.services.usage.written();
    expect(await inflight()).toBe(0);
  });

  test("the Grafana dashboard reads only metrics the gateway exports", async () => {
    const dashboard = await Bun.file(`${import.meta.dir}/../../deploy/grafana/omniroute.json`).json();
    const exprs: string[] = JSON.stringify(dashboard).match(/"expr":"(?:[^"\\]|\\.)*"/g) ?? [];
    const used = new Set(
      exprs.flatMap((e) => e.match(/\b(?:omniroute|process|nodejs)_\w+/g) ?? []).map((n) => n.replace(/_(bucket|count|sum)$/, "")),
    );
    const res = await gw.app.request("/metrics", { headers: { authorization: `Bearer ${await gw.adminKey()}` } });
    const declared = new Set([...(await res.text()).matchAll(/^# TYPE (\w+) /gm)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((n) => !declared.has(n))).toEqual([]);
  });

  test("needs a manage-scoped key, unless METRICS_PUBLIC=true", async () => {
    const none = await gw.app.request("/metrics");
    expect(none.status).toBe(401);
    expect((await none.json()).error.message).toContain("manage-scoped API key");
    const client = await gw.app.request("/metrics", { headers: { authorization: `Bearer ${key}` } });
    expect(client.status).toBe(403);
    expect((await client.json()).error.message).toContain('lacks the "manage" scope');
    const open = await startGateway({ METRICS_PUBLIC: "true" });
    try {
      const res = await open.app.request("/metrics");
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("# TYPE omniroute_requests_total counter");
    } finally {
      await open.close();
    }
  });
});
