// Writes one usage row per proxied request, whatever its outcome.
import type { Usage } from "../canonical/usage.ts";
import type { UsageWriter } from "../db/queries/usage.ts";

export interface UsageRecord {
  requestId: string;
  keyId: string | null;
  endpoint: string;
  provider?: string;
  connectionId?: string;
  modelRequested: string;
  modelServed?: string;
  combo?: string;
  attempt: number;
  stream: boolean;
  usage?: Partial<Usage>;
  startedAt: number;
  latencyMs: number;
  ttftMs?: number;
  status: number;
  errorClass?: string;
}

export interface UsageRecorder {
  record(r: UsageRecord): void;
}

export function createUsageRecorder(writer: UsageWriter, onError: (err: unknown) => void): UsageRecorder {
  return {
    record(r) {
      const u = r.usage ?? {};
      try {
        writer.insert({
          ts: r.startedAt,
          requestId: r.requestId,
          keyId: r.keyId,
          endpoint: r.endpoint,
          provider: r.provider,
          connectionId: r.connectionId,
          modelRequested: r.modelRequested,
          modelServed: r.modelServed,
          combo: r.combo,
          attempt: r.attempt,
          stream: r.stream,
          inputTokens: u.inputTokens ?? 0,
          outputTokens: u.outputTokens ?? 0,
          cacheReadTokens: u.cacheReadTokens ?? 0,
          cacheWriteTokens: u.cacheWriteTokens ?? 0,
          reasoningTokens: u.reasoningTokens ?? 0,
          costUsd: 0,
          latencyMs: Math.round(r.latencyMs),
          ttftMs: r.ttftMs === undefined ? null : Math.round(r.ttftMs),
          status: r.status,
          errorClass: r.errorClass,
        });
      } catch (err) {
        onError(err);
      }
    },
  };
}
