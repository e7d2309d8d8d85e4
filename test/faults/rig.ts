// The fault campaign's rig: a real gateway process (`bun src/main.ts`) on loopback, one fake upstream per wire
// format (each a custom provider node), and what the campaign needs to drive and read it.
import type { Subprocess } from "bun";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import type { FormatId } from "../../src/formats/types.ts";
import { spawnTracked, waitForLine } from "../bench/procs.ts";
import { startAnthropicUpstream } from "../fakes/anthropic-upstream.ts";
import { startGeminiUpstream } from "../fakes/gemini-upstream.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { startResponsesUpstream } from "../fakes/responses-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";

export const FORMATS: FormatId[] = ["openai-chat", "anthropic", "responses", "gemini"];
const PASSWORD = "faults-password";

export interface GatewayProcess {
  url: string;
  child: Subprocess;
  /** The last lines of its log. */
  tail: () => string;
  /** A management call signed in with the dashboard cookie. */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
}

export async function startGatewayProcess(dataDir: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const child = spawnTracked([process.execPath, "src/main.ts"], {
    env: { DATA_DIR: dataDir, HOME: dataDir, PORT: "0", HOSTNAME: "127.0.0.1", LOG_LEVEL: "info", INITIAL_PASSWORD: PASSWORD, ...env },
    stdout: "ignore",
  });
  const watch = waitForLine(child.stderr as ReadableStream<Uint8Array>, /listening on (http:\/\/\S+)/, 20_000);
  const url = (await watch.match)[1]!;
  const login = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  return {
    url,
    child,
    tail: watch.tail,
    api(path, init = {}) {
      return fetch(`${url}${path}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: { cookie, origin: url, "content-type": "application/json" },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
  };
}

export interface Upstreams {
  fakes: Record<FormatId, FakeUpstream>;
  /** The model a client names to reach the upstream of this format. */
  model: Record<FormatId, string>;
  close(): Promise<void>;
}

export function startUpstreams(): Omit<Upstreams, "model"> {
  const fakes: Record<FormatId, FakeUpstream> = {
    "openai-chat": startOpenAIUpstream(),
    anthropic: startAnthropicUpstream(),
    responses: startResponsesUpstream(),
    gemini: startGeminiUpstream(),
  };
  return {
    fakes,
    close: async () => {
      for (const f of Object.values(fakes)) await f.close();
    },
  };
}

const API_TYPE: Record<FormatId, string> = { "openai-chat": "openai", anthropic: "anthropic", responses: "responses", gemini: "gemini" };

/** Register each fake as a custom provider node with one connection; breakers made hard to open (the campaign breaks streams on purpose). */
export async function connectUpstreams(gw: GatewayProcess, up: Omit<Upstreams, "model">): Promise<Upstreams> {
  const model = {} as Record<FormatId, string>;
  for (const format of FORMATS) {
    const prefix = `f-${format.replace("openai-chat", "chat")}`;
    const fake = up.fakes[format];
    const baseUrl = format === "openai-chat" || format === "responses" ? `${fake.url}/v1` : fake.url;
    await expectStatus(
      gw.api("/api/provider-nodes", { body: { name: `Faults ${format}`, prefix, apiType: API_TYPE[format], baseUrl } }),
      201,
    );
    await expectStatus(gw.api("/api/providers", { body: { provider: prefix, apiKey: "k" } }), 201);
    model[format] = `${prefix}/fault-model`;
  }
  await expectStatus(
    gw.api("/api/resilience", { method: "PATCH", body: { defaults: { failureThreshold: 1000, backoffBaseMs: 0, backoffCapMs: 0 } } }),
    200,
  );
  return { ...up, model };
}

export async function expectStatus(res: Promise<Response> | Response, status: number): Promise<Response> {
  const r = await res;
  if (r.status !== status) throw new Error(`${r.url}: expected ${status}, got ${r.status}: ${await r.text()}`);
  return r;
}

/** One streamed request in a client's own wire format. */
export function streamRequest(
  url: string,
  format: FormatId,
  model: string,
  extra: Record<string, unknown> = {},
): { url: string; body: string } {
  const messages = [{ role: "user", content: "tell me something" }];
  switch (format) {
    case "openai-chat":
      return { url: `${url}/v1/chat/completions`, body: JSON.stringify({ model, stream: true, messages, ...extra }) };
    case "anthropic":
      return { url: `${url}/v1/messages`, body: JSON.stringify({ model, max_tokens: 256, stream: true, messages, ...extra }) };
    case "responses":
      return { url: `${url}/v1/responses`, body: JSON.stringify({ model, stream: true, input: "tell me something", ...extra }) };
    case "gemini":
      return {
        url: `${url}/v1beta/models/${model}:streamGenerateContent?alt=sse`,
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "tell me something" }] }], ...extra }),
      };
    default: {
      const unreachable: never = format;
      throw new Error(`unhandled format ${unreachable}`);
    }
  }
}

export type StreamEnd = "completed" | "error_event" | "silent";

/** How a client sees a stream end: its format's normal end, its format's error event, or neither (a silent truncation). */
export function streamEnd(format: FormatId, text: string): StreamEnd {
  switch (format) {
    case "openai-chat":
      if (/^data: \{"error":/m.test(text)) return "error_event";
      return text.includes("data: [DONE]") ? "completed" : "silent";
    case "anthropic":
      if (/^event: error$/m.test(text)) return "error_event";
      return /^event: message_stop$/m.test(text) ? "completed" : "silent";
    case "responses":
      if (/"type":"response\.failed"|^event: error$/m.test(text)) return "error_event";
      return /"type":"response\.(completed|incomplete)"/.test(text) ? "completed" : "silent";
    case "gemini":
      if (/^data: \{"error":/m.test(text)) return "error_event";
      return /"finishReason"/.test(text) ? "completed" : "silent";
    default: {
      const unreachable: never = format;
      throw new Error(`unhandled format ${unreachable}`);
    }
  }
}

export interface UsageRowLite {
  requestId: string;
  status: number;
  errorClass: string | null;
}

/** Every usage row, read through the API while the gateway runs. */
export async function usageRows(gw: GatewayProcess): Promise<UsageRowLite[]> {
  const rows: UsageRowLite[] = [];
  for (let cursor: number | null | undefined; cursor !== null; ) {
    const page = (await (await gw.api(`/api/usage/logs?limit=500${cursor ? `&cursor=${cursor}` : ""}`)).json()) as {
      data: UsageRowLite[];
      nextCursor: number | null;
    };
    rows.push(...page.data);
    cursor = page.nextCursor;
  }
  return rows;
}

/** Read a stopped gateway's database file: integrity and the request ids it holds. */
export function readDatabase(dataDir: string): { integrity: string; requestIds: Set<string> } {
  const db = new Database(join(dataDir, "omniroute.sqlite"));
  try {
    const integrity = (db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
    const ids = db.query("select request_id as id from usage_log").all() as Array<{ id: string }>;
    return { integrity, requestIds: new Set(ids.map((r) => r.id)) };
  } finally {
    db.close();
  }
}

/** Run `fn` over `items` with at most `concurrency` at once. */
export async function pool<T, R>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}
