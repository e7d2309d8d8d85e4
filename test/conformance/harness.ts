// The conformance rig: one gateway, one fake upstream per wire format (each a custom provider node), one SDK driver per ingress format.
import type { FormatId } from "../../src/formats/types.ts";
import { startAnthropicUpstream } from "../fakes/anthropic-upstream.ts";
import { startGeminiUpstream } from "../fakes/gemini-upstream.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { startResponsesUpstream } from "../fakes/responses-upstream.ts";
import type { FakeUpstream, RecordedRequest } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { anthropicDriver } from "./drivers/anthropic.ts";
import { geminiDriver } from "./drivers/gemini.ts";
import { openaiChatDriver } from "./drivers/openai-chat.ts";
import { responsesDriver } from "./drivers/responses.ts";
import type { Driver } from "./drivers/types.ts";
import { anthropicInspector } from "./inspect/anthropic.ts";
import { geminiInspector } from "./inspect/gemini.ts";
import { openaiChatInspector } from "./inspect/openai-chat.ts";
import { responsesInspector } from "./inspect/responses.ts";
import type { Inspector } from "./inspect/types.ts";

export const FORMATS: FormatId[] = ["openai-chat", "anthropic", "responses", "gemini"];

const API_TYPE: Record<FormatId, "openai" | "anthropic" | "responses" | "gemini"> = {
  "openai-chat": "openai",
  anthropic: "anthropic",
  responses: "responses",
  gemini: "gemini",
};

const START: Record<FormatId, () => FakeUpstream> = {
  "openai-chat": () => startOpenAIUpstream(),
  anthropic: () => startAnthropicUpstream(),
  responses: () => startResponsesUpstream(),
  gemini: () => startGeminiUpstream(),
};

export const INSPECTORS: Record<FormatId, Inspector> = {
  "openai-chat": openaiChatInspector,
  anthropic: anthropicInspector,
  responses: responsesInspector,
  gemini: geminiInspector,
};

export interface Upstream {
  format: FormatId;
  fake: FakeUpstream;
  inspector: Inspector;
  /** The model id a client asks for to reach this upstream. */
  model: string;
}

export interface Rig {
  gw: TestGateway;
  drivers: Record<FormatId, Driver>;
  upstreams: Record<FormatId, Upstream>;
  /** Clear what an error test leaves behind (a 429 rightly cools the account, a 500 counts against the breaker). */
  clearHealth(): void;
  close(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const gw = await startGateway();
  const upstreams = {} as Record<FormatId, Upstream>;
  for (const format of FORMATS) {
    const fake = START[format]();
    const prefix = `up-${format}`;
    const baseUrl = format === "openai-chat" || format === "responses" ? `${fake.url}/v1` : fake.url;
    const node = await gw.api("/api/provider-nodes", {
      body: { name: `Conformance ${format}`, prefix, apiType: API_TYPE[format], baseUrl },
    });
    if (node.status !== 201) throw new Error(`provider node ${prefix}: ${node.status} ${await node.text()}`);
    const conn = await gw.api("/api/providers", { body: { provider: prefix, apiKey: "k" } });
    if (conn.status !== 201) throw new Error(`provider connection ${prefix}: ${conn.status} ${await conn.text()}`);
    upstreams[format] = { format, fake, inspector: INSPECTORS[format], model: `${prefix}/conf-model` };
  }
  const key = (await gw.services.apiKeys.create("conf", [])).key;
  const drivers: Record<FormatId, Driver> = {
    "openai-chat": openaiChatDriver(gw.url, key),
    anthropic: anthropicDriver(gw.url, key),
    responses: responsesDriver(gw.url, key),
    gemini: geminiDriver(gw.url, key),
  };
  return {
    gw,
    drivers,
    upstreams,
    clearHealth() {
      gw.services.health.cooldowns.reset();
      gw.services.health.breakers.reset();
    },
    async close() {
      for (const u of Object.values(upstreams)) await u.fake.close();
      await gw.close();
    },
  };
}

/** The requests a fake received while `fn` ran. */
export async function capture<T>(fake: FakeUpstream, fn: () => Promise<T>): Promise<{ result: T; requests: RecordedRequest[] }> {
  const before = fake.requests.length;
  const result = await fn();
  return { result, requests: fake.requests.slice(before) };
}
