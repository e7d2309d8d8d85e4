// "Test combo": one real, minimal chat request through the gateway's own pipeline, as a client would send it.
import { toGatewayError } from "../canonical/errors.ts";
import { getFormat } from "../formats/registry.ts";
import type { Services } from "../services.ts";
import { proxyChat } from "./pipeline.ts";

export interface ComboTestResult {
  ok: boolean;
  latencyMs: number;
  /** The model that answered (`prefix/model`) and its provider id, from the response headers. */
  model?: string;
  provider?: string;
  /** Upstream calls that failed before the one that answered. */
  fallbackAttempts?: number;
  text?: string;
  error?: string;
}

const TEST_TIMEOUT_MS = 60_000;
export const COMBO_TEST_PROMPT = "Say OK";

function answerText(body: unknown): string {
  const choice = (body as { choices?: Array<{ message?: { content?: unknown } }> } | null)?.choices?.[0];
  return typeof choice?.message?.content === "string" ? choice.message.content : "";
}

export async function testCombo(services: Services, comboName: string, signal?: AbortSignal): Promise<ComboTestResult> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const timeout = AbortSignal.timeout(TEST_TIMEOUT_MS);
  try {
    const res = await proxyChat(services, {
      requestId: Bun.randomUUIDv7(),
      keyId: null,
      keyName: "dashboard",
      endpoint: "/dashboard/combos/test",
      ingress: getFormat("openai-chat"),
      body: { model: comboName, messages: [{ role: "user", content: COMBO_TEST_PROMPT }], max_tokens: 16 },
      hints: {},
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      startedAt,
      receivedAt: Date.now(),
    });
    const text = await res.text();
    const latencyMs = elapsed();
    const served = {
      model: res.headers.get("x-omniroute-model") ?? undefined,
      provider: res.headers.get("x-omniroute-provider") ?? undefined,
      fallbackAttempts: Number(res.headers.get("x-omniroute-fallback-attempts") ?? 0),
    };
    if (res.status === 499)
      return { ok: false, latencyMs, error: `No answer within ${TEST_TIMEOUT_MS / 1000} s (or the test was cancelled).` };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, latencyMs, ...served, error: `The answer was not JSON (status ${res.status}).` };
    }
    return { ok: res.ok, latencyMs, ...served, text: answerText(body), ...(res.ok ? {} : { error: `Status ${res.status}` }) };
  } catch (err) {
    return { ok: false, latencyMs: elapsed(), error: toGatewayError(err).message };
  }
}
