// A client request refused before routing (a malformed body, a bad model name, a pinned provider that does not
// exist) still leaves its usage row: the Usage page and /api/usage count what clients sent, refused or not.
import type { Context } from "hono";
import { GatewayError } from "../canonical/errors.ts";
import type { AppEnv } from "../context.ts";
import type { UsageRecorder } from "../usage/recorder.ts";
import type { PipelineObserver } from "./observer.ts";

export interface RefusalDeps {
  usage: Pick<UsageRecorder, "record">;
  /** Told of the refused request too (a span, the in-flight count), as of any other. */
  observer: PipelineObserver;
}

/** Run the part of a handler before the pipeline; what it throws is recorded as one cost-free row, then rethrown. */
export async function rowOnRefusal<T>(
  { usage, observer }: RefusalDeps,
  c: Context<AppEnv>,
  endpoint: string,
  model: () => unknown,
  run: () => Promise<T>,
): Promise<T> {
  const receivedAt = Date.now();
  const started = performance.now();
  try {
    return await run();
  } catch (err) {
    const refused = err instanceof GatewayError ? err : undefined;
    const named = model();
    const modelRequested = typeof named === "string" ? named.slice(0, 256) : "";
    const outcome = { status: refused?.status ?? 500, errorClass: refused ? (refused.code ?? refused.kind) : "internal" };
    usage.record({
      requestId: c.get("requestId"),
      keyId: c.get("apiKey")?.id ?? null,
      endpoint,
      modelRequested,
      attempt: 0,
      stream: false,
      startedAt: receivedAt,
      latencyMs: performance.now() - started,
      ...outcome,
    });
    observer
      .request({ requestId: c.get("requestId"), endpoint, model: modelRequested, stream: false, headers: c.req.raw.headers })
      .end(outcome, undefined, 0);
    throw err;
  }
}
