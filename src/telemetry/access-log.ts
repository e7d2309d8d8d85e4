// One access line per request under LOG_FORMAT=json, written from its usage row: who asked, in which format, for
// which model, who served it, how it ended, how long it took, what it used and cost.
import { log } from "../log.ts";
import type { UsageRecord } from "../usage/recorder.ts";
import { formatOfEndpoint } from "./endpoint-format.ts";

export interface AccessLogDeps {
  /** A key's name by its id (from memory). */
  keyName: (keyId: string) => string | undefined;
}

export type AccessLine = (row: UsageRecord, costUsd: number) => void;

export function createAccessLog(deps: AccessLogDeps): AccessLine {
  return function accessLine(r, costUsd) {
    const u = r.usage ?? {};
    log.info("access", {
      kind: "access",
      requestId: r.requestId,
      key: r.keyId ? (deps.keyName(r.keyId) ?? r.keyId) : null,
      endpoint: r.endpoint,
      format: formatOfEndpoint(r.endpoint),
      modelRequested: r.modelRequested,
      modelServed: r.modelServed ?? null,
      provider: r.provider ?? null,
      account: r.connectionId ?? null,
      combo: r.combo ?? null,
      attempts: r.attempt,
      stream: r.stream,
      cache: r.cache ?? null,
      status: r.status,
      errorClass: r.errorClass ?? null,
      latencyMs: Math.round(r.latencyMs),
      ttftMs: r.ttftMs === undefined ? null : Math.round(r.ttftMs),
      tokens: {
        input: u.inputTokens ?? 0,
        output: u.outputTokens ?? 0,
        cached: u.cacheReadTokens ?? 0,
        cacheWrite: u.cacheWriteTokens ?? 0,
        reasoning: u.reasoningTokens ?? 0,
      },
      costUsd,
    });
  };
}
