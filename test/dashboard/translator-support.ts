// The Translator page's tests share one gateway with an OpenAI-compatible fake connected as "ds", and a session.
import { afterAll, beforeAll, expect } from "bun:test";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

export interface TranslatorRig {
  gw: TestGateway;
  fake: FakeUpstream;
  cookie: string;
  /** A dashboard page or partial, signed in. */
  page(path: string): Promise<Response>;
  /** A form posted as the browser does (session cookie, same origin). */
  post(path: string, fields: Record<string, string | string[]>): Promise<Response>;
}

/** Started before the file's tests, closed after them; read its fields inside tests. */
export function useTranslatorRig(): TranslatorRig {
  const rig = {} as TranslatorRig;
  beforeAll(async () => {
    rig.gw = await startGateway();
    rig.fake = startOpenAIUpstream({ kind: "text", text: "Hello from the fake upstream." });
    rig.cookie = await rig.gw.login();
    const created = await rig.gw.api("/api/providers", {
      body: { provider: "ds", apiKey: "sk-fake-123456", baseUrl: `${rig.fake.url}/v1`, name: "fake ds" },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await rig.gw.close();
    await rig.fake.close();
  });
  rig.page = (path) => fetch(`${rig.gw.url}${path}`, { headers: { cookie: rig.cookie } });
  rig.post = (path, fields) => {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
    return fetch(`${rig.gw.url}${path}`, {
      method: "POST",
      headers: { cookie: rig.cookie, origin: rig.gw.url, "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
  };
  return rig;
}
