// Shared set-up for the edge tests: a gateway with one fake upstream per wire format, each connected as a custom
// provider node speaking that format, so every ingress has a same-format (fast path) target.
import { startAnthropicUpstream } from "../../fakes/anthropic-upstream.ts";
import { startGeminiUpstream } from "../../fakes/gemini-upstream.ts";
import { startOpenAIUpstream } from "../../fakes/openai-upstream.ts";
import { startResponsesUpstream } from "../../fakes/responses-upstream.ts";
import type { FakeUpstream } from "../../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../../support/gateway.ts";

export type Ingress = "openai" | "anthropic" | "responses" | "gemini";
export const INGRESSES: Ingress[] = ["openai", "anthropic", "responses", "gemini"];

export interface EdgeRig {
  gw: TestGateway;
  fakes: Record<Ingress, FakeUpstream>;
  /** The model that routes each ingress to its same-format fake. */
  model: Record<Ingress, string>;
  /** Every request every fake received, so far. */
  upstreamCalls(): number;
  close(): Promise<void>;
}

export async function startEdgeRig(env: Record<string, string> = {}): Promise<EdgeRig> {
  const gw = await startGateway(env);
  const fakes: Record<Ingress, FakeUpstream> = {
    openai: startOpenAIUpstream({ kind: "text", text: "ok" }),
    anthropic: startAnthropicUpstream({ kind: "text", text: "ok" }),
    responses: startResponsesUpstream({ kind: "text", text: "ok" }),
    gemini: startGeminiUpstream({ kind: "text", text: "ok" }),
  };
  const model = {} as Record<Ingress, string>;
  for (const ingress of INGRESSES) {
    const prefix = `fake${ingress}`;
    const baseUrl = ingress === "openai" || ingress === "responses" ? `${fakes[ingress].url}/v1` : fakes[ingress].url;
    const node = await gw.api("/api/provider-nodes", { body: { name: `Fake ${ingress}`, prefix, apiType: ingress, baseUrl } });
    if (node.status !== 201) throw new Error(`provider node: ${node.status} ${await node.text()}`);
    const conn = await gw.api("/api/providers", { body: { provider: prefix, apiKey: "k-upstream" } });
    if (conn.status !== 201) throw new Error(`provider connection: ${conn.status} ${await conn.text()}`);
    model[ingress] = `${prefix}/fake-model`;
  }
  return {
    gw,
    fakes,
    model,
    upstreamCalls: () => INGRESSES.reduce((n, i) => n + fakes[i].requests.length, 0),
    async close() {
      await gw.close();
      await Promise.all(INGRESSES.map((i) => fakes[i].close()));
    },
  };
}

/** The client path of each ingress (Gemini names its model in the path). */
export function ingressPath(ingress: Ingress, model: string): string {
  switch (ingress) {
    case "openai":
      return "/v1/chat/completions";
    case "anthropic":
      return "/v1/messages";
    case "responses":
      return "/v1/responses";
    case "gemini":
      return `/v1beta/models/${model}:generateContent`;
  }
}

/** A small valid request of each ingress. */
export function validBody(ingress: Ingress, model: string): Record<string, unknown> {
  switch (ingress) {
    case "openai":
      return { model, messages: [{ role: "user", content: "hi" }] };
    case "anthropic":
      return { model, max_tokens: 64, messages: [{ role: "user", content: "hi" }] };
    case "responses":
      return { model, input: [{ role: "user", content: "hi" }] };
    case "gemini":
      return { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
  }
}

/** The error message of an error body in any of the four formats. */
export function errorMessage(body: { error?: { message?: string } }): string {
  return body.error?.message ?? "";
}

/** True when `body` is an error in `ingress`'s own wire format. */
export function isErrorIn(ingress: Ingress, body: Record<string, any>, status: number): boolean {
  switch (ingress) {
    case "openai":
    case "responses":
      return typeof body.error?.message === "string" && typeof body.error?.type === "string" && "param" in body.error;
    case "anthropic":
      return body.type === "error" && typeof body.error?.type === "string" && typeof body.error?.message === "string";
    case "gemini":
      return body.error?.code === status && typeof body.error?.status === "string" && typeof body.error?.message === "string";
  }
}
