// The Translator's chat tester: one message in a client's format through the real pipeline, every step kept for display.
import { toGatewayError } from "../canonical/errors.ts";
import { getFormat } from "../formats/registry.ts";
import type { FormatId, RouteHints } from "../formats/types.ts";
import type { UpstreamRequestSent } from "../gateway/attempt.ts";
import { proxyChat } from "../gateway/pipeline.ts";
import type { Services } from "../services.ts";
import { chatBody, clientPath } from "./translator-examples.ts";

export interface ChatTestInput {
  format: FormatId;
  model: string;
  message: string;
  system?: string;
}

export interface ChatTestResult {
  requestId: string;
  format: FormatId;
  client: { path: string; body: Record<string, unknown> };
  /** Each upstream request as the pipeline sent it, in order (several when it fell back). */
  upstream: UpstreamRequestSent[];
  response: { status: number; headers: Array<[string, string]>; body: unknown };
}

/** Usage rows and the live monitor name the tester's calls with this endpoint. */
export const TESTER_ENDPOINT = "dashboard.chat-tester";

export async function runChatTest(
  services: Services,
  input: ChatTestInput,
  call: { requestId: string; signal: AbortSignal },
): Promise<ChatTestResult> {
  const ingress = getFormat(input.format);
  const body = chatBody(input.format, input.model, input.message, input.system);
  // Gemini carries the model (and streaming) in the URL, as /v1beta/models/{model}:generateContent does.
  const hints: RouteHints = input.format === "gemini" ? { model: input.model, stream: false } : {};
  const upstream: UpstreamRequestSent[] = [];
  let response: Response;
  try {
    response = await proxyChat(services, {
      requestId: call.requestId,
      keyId: null,
      keyName: "dashboard",
      endpoint: TESTER_ENDPOINT,
      ingress,
      body: structuredClone(body),
      hints,
      signal: call.signal,
      startedAt: performance.now(),
      receivedAt: Date.now(),
      onUpstreamRequest: (sent) => upstream.push(sent),
    });
  } catch (err) {
    // What a client of this format would have received: its own error shape, with the status.
    const error = toGatewayError(err);
    response = Response.json(ingress.encodeError(error), { status: error.status });
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: shown as the text it is.
  }
  return {
    requestId: call.requestId,
    format: input.format,
    client: { path: clientPath(input.format, input.model), body },
    upstream,
    response: { status: response.status, headers: [...response.headers].filter(([name]) => name.startsWith("x-omniroute-")), body: parsed },
  };
}
