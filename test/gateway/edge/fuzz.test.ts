// Fuzz: thousands of generated bodies (wrong types, missing fields, huge and deep values) against every /api route,
// read from the app's own route table, and against the four ingresses: never a 500, and the gateway still serves.
// Seeded: a failure names its seed, route and body, and reproduces.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { anyObject, anyScalar, mutate, pick, rawBody, seeded, type Random } from "./fuzz-bodies.ts";
import { INGRESSES, ingressPath, startEdgeRig, validBody, type EdgeRig } from "./support.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 13);
let rig: EdgeRig;
let connectionId: string;
beforeAll(async () => {
  rig = await startEdgeRig({ MAX_REQUEST_BODY_MB: "1" });
  connectionId = ((await (await rig.gw.api("/api/providers")).json()) as { id: string }[])[0]!.id;
});
afterAll(async () => {
  await rig.close();
});

/** Field names the management API and the four formats use, so generated objects often look almost right. */
const API_KEYS = [
  "name",
  "provider",
  "apiKey",
  "baseUrl",
  "priority",
  "isActive",
  "limits",
  "rpm",
  "proxy",
  "type",
  "host",
  "port",
  "prefix",
  "apiType",
  "headers",
  "modelId",
  "modelName",
  "models",
  "model",
  "weight",
  "strategy",
  "scopes",
  "keyId",
  "limit",
  "period",
  "warnAt",
  "from",
  "to",
  "body",
  "stream",
  "state",
  "code",
  "credentials",
  "password",
  "current",
  "next",
  "global",
  "providers",
  "noProxy",
  "connectionId",
  "routingStrategy",
  "wildcardAliases",
  "fallbackChains",
  "cache",
  "ttlSeconds",
  "ipFilter",
  "mode",
  "list",
  "space",
  "documents",
  "id",
  "rev",
  "ciphertext",
  "deleted",
  "input",
  "output",
  "url",
  "level",
];
const FORMAT_KEYS = [
  "model",
  "messages",
  "role",
  "content",
  "max_tokens",
  "max_completion_tokens",
  "max_output_tokens",
  "temperature",
  "top_p",
  "top_k",
  "stream",
  "stop",
  "stop_sequences",
  "tools",
  "tool_choice",
  "tool_calls",
  "tool_call_id",
  "function",
  "name",
  "arguments",
  "parameters",
  "input_schema",
  "system",
  "thinking",
  "budget_tokens",
  "type",
  "text",
  "image_url",
  "source",
  "input",
  "instructions",
  "reasoning",
  "contents",
  "parts",
  "generationConfig",
  "maxOutputTokens",
  "systemInstruction",
  "functionCall",
  "functionResponse",
  "inlineData",
  "data",
  "mimeType",
  "response_format",
  "n",
  "seed",
  "call_id",
  "id",
  "tool_use_id",
  "metadata",
  "generateContentRequest",
];
/** Routes that call out (an upstream, a proxy, a login service): a 502/504 there is a documented answer, a 500 never. */
const CALLS_OUT = ["/api/providers/:id/test", "/api/settings/proxy/test", "/api/oauth/", "/api/sync/now"];
/** Too slow to repeat thousands of times (a full database snapshot each). */
const HEAVY = ["/api/db-backups/export", "/api/db-backups/exportAll"];

interface Failure {
  route: string;
  status: number;
  body: string;
  answer: string;
}

async function send(method: string, path: string, body: string | undefined, failures: Failure[], route: string): Promise<void> {
  const res = await rig.gw.app.request(path, {
    method,
    headers: { authorization: `Bearer ${await rig.gw.adminKey()}`, "content-type": "application/json" },
    body,
  });
  const answer = await res.text();
  const allowed = res.status < 500 || (CALLS_OUT.some((p) => route.includes(p)) && res.status !== 500);
  if (!allowed) failures.push({ route, status: res.status, body: (body ?? "").slice(0, 300), answer: answer.slice(0, 300) });
}

function paramValue(r: Random): string {
  return r() < 0.1
    ? "%E0%A4%A"
    : encodeURIComponent(pick(r, [connectionId, "nope", "..", "%", "a".repeat(300), "\u0000", "1", "claude-code-nope"]));
}

function routePath(r: Random, path: string): string {
  const filled = path.replace(/:[A-Za-z]+/g, () => paramValue(r));
  if (r() < 0.3)
    return `${filled}?${pick(r, ["provider", "groupBy", "from", "to", "limit", "cursor", "model", "space", "since", "dryRun"])}=${r() < 0.1 ? "%E0%A4%A" : encodeURIComponent(anyScalar(r).toWellFormed())}`;
  return filled;
}

test(`the four ingresses and both token counters, generated bodies (seed ${SEED}): never a 5xx`, async () => {
  const r = seeded(SEED + 1);
  const failures: Failure[] = [];
  const targets = [
    ...INGRESSES.map((i) => ({ name: i, path: ingressPath(i, rig.model[i]), base: validBody(i, rig.model[i]) })),
    {
      name: "anthropic count_tokens",
      path: "/v1/messages/count_tokens",
      base: { model: rig.model.anthropic, messages: [{ role: "user", content: "hi" }] },
    },
    { name: "gemini countTokens", path: `/v1beta/models/${rig.model.gemini}:countTokens`, base: validBody("gemini", "") },
  ];
  let sent = 0;
  const statuses = new Map<number, number>();
  for (const target of targets) {
    for (let i = 0; i < 350; i++) {
      const body = r() < 0.1 ? rawBody(r) : JSON.stringify(r() < 0.8 ? mutate(r, target.base, FORMAT_KEYS) : anyObject(r, FORMAT_KEYS));
      const res = await fetch(`${rig.gw.url}${target.path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
      const answer = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500)
        failures.push({ route: target.name, status: res.status, body: body.slice(0, 300), answer: answer.slice(0, 300) });
      sent++;
    }
  }
  expect(sent).toBeGreaterThan(2_000);
  expect(failures).toEqual([]);
  // Both sides of the edge were exercised: bodies refused there, and bodies that passed it and were served.
  expect(statuses.get(400)).toBeGreaterThan(300);
  expect(statuses.get(200)).toBeGreaterThan(300);
  // Still serving, and no provider was penalised for what clients sent. (Before the /api fuzz, which may delete the connections.)
  expect((await fetch(`${rig.gw.url}/healthz`)).status).toBe(200);
  expect(rig.gw.services.health.breakers.all().filter((b) => b.failures > 0 || b.phase !== "closed")).toEqual([]);
}, 60_000);

test(`every /api route, generated bodies (seed ${SEED}): never a 500`, async () => {
  const r = seeded(SEED);
  const routes = new Map<string, { method: string; path: string }>();
  for (const route of rig.gw.app.routes) {
    if (route.path.startsWith("/api/") && route.method !== "ALL") routes.set(`${route.method} ${route.path}`, route);
  }
  expect(routes.size).toBeGreaterThan(50);
  const failures: Failure[] = [];
  let sent = 0;
  for (const [name, route] of routes) {
    const rounds = HEAVY.includes(route.path) ? 2 : route.method === "GET" ? 15 : 60;
    for (let i = 0; i < rounds; i++) {
      const body = route.method === "GET" ? undefined : r() < 0.25 ? rawBody(r) : JSON.stringify(anyObject(r, API_KEYS));
      await send(route.method, routePath(r, route.path), body, failures, name);
      sent++;
    }
  }
  expect(sent).toBeGreaterThan(2_000);
  expect(failures).toEqual([]);
}, 60_000);
