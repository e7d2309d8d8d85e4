// The bench's named scenarios: each names the call made through the gateway and the direct call it is compared with.
import type { Endpoint } from "./load.ts";

export type Metric = "latency" | "throughput" | "ttfb";

export interface BenchContext {
  upstreamUrl: string;
  gatewayUrl: string;
  /** The do-nothing Bun proxy in front of the upstream (test/bench/floor-proxy.ts): what any proxy costs here. */
  floorUrl: string;
  /** The dashboard session cookie, for management calls in `setup`. */
  cookie: string;
  /** A management call (/api/...) with the session cookie and a same-origin header; throws unless 2xx. */
  manage(method: string, path: string, body?: unknown): Promise<unknown>;
}

/** A target printed beside a figure: `on` the gateway's own figure or on the gateway's difference from direct. */
export interface Target {
  on: "gateway" | "difference";
  atMost?: number;
  atLeast?: number;
  label: string;
}

export interface BenchScenario {
  name: string;
  /** What is measured for it; each metric runs every scenario that lists it. */
  metrics: Metric[];
  /** Runs once before any measure, after the provider "ds" is connected to the fake upstream (e.g. create a combo). */
  setup?(ctx: BenchContext): Promise<void>;
  /** The baseline: the same work asked of the fake upstream directly. Without it only the gateway's figure shows. */
  direct?(ctx: BenchContext): Endpoint;
  gateway(ctx: BenchContext): Endpoint;
  /** Replaces the default target of a metric's row (null: no target), keyed by row ("latency p50", "throughput", "ttfb p50"). */
  targets?: Record<string, Target | null>;
}

export const DEFAULT_TARGETS: Record<string, Target> = {
  "latency p50": { on: "difference", atMost: 0.2, label: "added < 0.2 ms" },
  throughput: { on: "gateway", atLeast: 10_000, label: ">= 10,000 req/s" },
  "ttfb p50": { on: "difference", atMost: 0.5, label: "within 0.5 ms" },
};

const JSON_HEADERS = { "content-type": "application/json" };

/** An OpenAI Chat Completions body; `bench:<marker>` picks the fake upstream's answer (see upstream-scenarios.ts). */
function chatBody(model: string, marker: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: `Say something short. bench:${marker}` },
    ],
    max_tokens: 64,
    stream,
  });
}

/** An OpenAI Chat client calling ds/deepseek-chat, served by an OpenAI-format upstream: the fast path (no translation). */
function openaiChatPassthrough(name: string, metrics: Metric[], marker: string, stream: boolean): BenchScenario {
  return {
    name,
    metrics,
    // The latency target is the non-stream call's; a stream's latency is the reference the translated path is held to.
    ...(stream ? { targets: { "latency p50": null } } : {}),
    direct: (ctx) => ({
      url: `${ctx.upstreamUrl}/v1/chat/completions`,
      headers: { ...JSON_HEADERS, authorization: "Bearer k" },
      body: chatBody("deepseek-chat", marker, stream),
      stream,
    }),
    gateway: (ctx) => ({
      url: `${ctx.gatewayUrl}/v1/chat/completions`,
      headers: JSON_HEADERS,
      body: chatBody("ds/deepseek-chat", marker, stream),
      stream,
    }),
  };
}

/**
 * Every scenario the bench runs. To add one (e.g. an Anthropic client translated to the OpenAI upstream, or a combo
 * whose first model answers 429 — see MODEL_SCENARIOS in upstream-scenarios.ts), append an entry here.
 */
export const SCENARIOS: BenchScenario[] = [
  floor("Floor: bare Bun proxy, non-stream", false),
  floor("Floor: bare Bun proxy, stream (20 chunks)", true),
  openaiChatPassthrough("OpenAI chat → OpenAI upstream, non-stream", ["latency", "throughput"], "text20", false),
  openaiChatPassthrough("OpenAI chat → OpenAI upstream, stream (20 chunks)", ["latency", "throughput"], "text20", true),
  openaiChatPassthrough("OpenAI chat → OpenAI upstream, stream, 2 ms between frames", ["ttfb"], "ttfb", true),
  anthropicToOpenAI(),
  comboFallback(),
];

/** The same call through the floor proxy instead of the gateway: the figures the gateway's are divided by. */
function floor(name: string, stream: boolean): BenchScenario {
  const call = (url: string): Endpoint => ({
    url: `${url}/v1/chat/completions`,
    headers: { ...JSON_HEADERS, authorization: "Bearer k" },
    body: chatBody("deepseek-chat", "text20", stream),
    stream,
  });
  return {
    name,
    metrics: ["latency", "throughput"],
    direct: (ctx) => call(ctx.upstreamUrl),
    gateway: (ctx) => call(ctx.floorUrl),
    targets: { "latency p50": null, throughput: null },
  };
}

/** An Anthropic client (Claude Code's format) served by the OpenAI upstream: the translated path, streamed. */
function anthropicToOpenAI(): BenchScenario {
  const body = JSON.stringify({
    model: "ds/deepseek-chat",
    max_tokens: 64,
    stream: true,
    system: "You are a terse assistant.",
    messages: [{ role: "user", content: "Say something short. bench:text20" }],
  });
  return {
    name: "Anthropic client → OpenAI upstream (translated), stream (20 chunks)",
    metrics: ["latency", "throughput"],
    direct: (ctx) => ({
      url: `${ctx.upstreamUrl}/v1/chat/completions`,
      headers: { ...JSON_HEADERS, authorization: "Bearer k" },
      body: chatBody("deepseek-chat", "text20", true),
      stream: true,
    }),
    gateway: (ctx) => ({
      url: `${ctx.gatewayUrl}/v1/messages`,
      headers: { ...JSON_HEADERS, "anthropic-version": "2023-06-01" },
      body,
      stream: true,
    }),
    targets: {
      "latency p50": { on: "difference", atMost: 0.4, label: "within 2x the fast path's added 0.2 ms" },
      throughput: null,
    },
  };
}

/** A combo whose first model answers 429 every time: each request pays one failed upstream round trip, then succeeds. */
function comboFallback(): BenchScenario {
  return {
    name: "Combo, first model answers 429 → second model, non-stream",
    metrics: ["latency"],
    async setup(ctx) {
      // No cooldown for this provider, so every request really tries the failing model first.
      await ctx.manage("PATCH", "/api/resilience", {
        providers: { deepseek: { backoffBaseMs: 0, backoffCapMs: 0, failureThreshold: 1000 } },
      });
      await ctx.manage("POST", "/api/combos", { name: "bench-fallback", models: ["ds/bench-429-first", "ds/deepseek-chat"] });
    },
    direct: (ctx) => ({
      url: `${ctx.upstreamUrl}/v1/chat/completions`,
      headers: { ...JSON_HEADERS, authorization: "Bearer k" },
      body: chatBody("deepseek-chat", "text20", false),
      stream: false,
    }),
    gateway: (ctx) => ({
      url: `${ctx.gatewayUrl}/v1/chat/completions`,
      headers: JSON_HEADERS,
      body: chatBody("bench-fallback", "text20", false),
      stream: false,
    }),
    targets: { "latency p50": { on: "difference", atMost: 0.4, label: "one upstream round trip + the fast path's 0.2 ms" } },
  };
}

/** Sign in to the dashboard API and connect provider "ds" to the fake upstream. */
export async function connectGateway(gatewayUrl: string, upstreamUrl: string, floorUrl: string, password: string): Promise<BenchContext> {
  const login = await fetch(`${gatewayUrl}/api/auth/login`, {
    method: "POST",
    headers: { ...JSON_HEADERS, origin: gatewayUrl },
    body: JSON.stringify({ password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const ctx: BenchContext = {
    upstreamUrl,
    gatewayUrl,
    floorUrl,
    cookie,
    async manage(method, path, body) {
      const res = await fetch(`${gatewayUrl}${path}`, {
        method,
        headers: { ...JSON_HEADERS, cookie, origin: gatewayUrl },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
  };
  await ctx.manage("POST", "/api/providers", { provider: "ds", apiKey: "k", baseUrl: `${upstreamUrl}/v1` });
  return ctx;
}
