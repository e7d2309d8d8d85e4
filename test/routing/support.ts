// Shared set-up for routing and resilience tests: a gateway, OpenAI-format fakes, and connections pointing at them.
import OpenAI from "openai";
import type { FakeUpstream, RecordedRequest } from "../fakes/scenario.ts";
import type { TestGateway } from "../support/gateway.ts";

export async function connect(
  gw: TestGateway,
  provider: string,
  upstream: FakeUpstream,
  apiKey: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await gw.api("/api/providers", { body: { provider, apiKey, baseUrl: `${upstream.url}/v1`, name: apiKey, ...extra } });
  if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

export async function sdk(gw: TestGateway): Promise<OpenAI> {
  return new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: (await gw.services.apiKeys.create("routing", [])).key, maxRetries: 0 });
}

/** The upstream key a recorded request was sent with: tells which account served it. */
export const keyOf = (r: RecordedRequest) => r.headers.authorization?.replace(/^Bearer /, "");

export async function chat(gw: TestGateway, model: string, init: { stream?: boolean; headers?: Record<string, string> } = {}) {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await gw.adminKey()}`, ...init.headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...(init.stream ? { stream: true } : {}) }),
  });
}
