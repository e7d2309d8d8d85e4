// Writes one usage row per proxied request, whatever its outcome.
import type { Usage } from "../canonical/usage.ts";
import type { UsageWriter, UsageWriterStatus } from "../db/usage-writer.ts";
import type { Budgets } from "./budgets.ts";
import { costOf } from "./cost.ts";
import type { LatencyWindow } from "./latency.ts";
import type { Pricing } from "./pricing.ts";
import type { LiveMonitor } from "./monitor.ts";

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
  /** "hit": answered from the response cache, "replay": an idempotent duplicate answered with the first one's answer (both cost nothing); "miss": cacheable, went upstream. */
  cache?: "hit" | "miss" | "replay";
}

export interface UsageRecorder {
  /** Queues the row (committed at the end of this turn of the event loop) and returns the cost it was charged. */
  record(r: UsageRecord): number;
  /** Resolves once every row recorded so far is on disk: await it before a client sees the end of its answer. */
  written(): Promise<void>;
  /** Commit queued rows now, and try rows held by a failing database again (periodic flush, shutdown). */
  flush(): Promise<void>;
  /** Whether rows are being written, and how many are held in memory while they cannot be (a full disk). */
  status(): UsageWriterStatus;
}

export interface RecorderDeps {
  writer: UsageWriter;
  pricing: Pricing;
  budgets: Budgets;
  latency: LatencyWindow;
  monitor: LiveMonitor;
  onError: (err: unknown) => void;
}

/** Cost is computed once, here, from the price in force when the row is written. */
export function createUsageRecorder({ writer, pricing, budgets, latency, monitor, onError }: RecorderDeps): UsageRecorder {
  return {
    record(r) {
      const u = r.usage ?? {};
      const price = r.provider && r.modelServed && !keptAnswer(r) ? pricing.priceOf(r.provider, r.modelServed) : undefined;
      const costUsd = price
        ? costOf(price, {
            inputTokens: u.inputTokens ?? 0,
            outputTokens: u.outputTokens ?? 0,
            cacheReadTokens: u.cacheReadTokens ?? 0,
            cacheWriteTokens: u.cacheWriteTokens ?? 0,
            reasoningTokens: u.reasoningTokens ?? 0,
          })
        : 0;
      if (r.provider && r.status < 400 && !keptAnswer(r)) latency.add(r.provider, r.latencyMs);
      budgets.spend(r.keyId, costUsd, r.startedAt, r.provider && r.modelServed ? `${r.provider}/${r.modelServed}` : undefined);
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
          costUsd,
          latencyMs: Math.round(r.latencyMs),
          ttftMs: r.ttftMs === undefined ? null : Math.round(r.ttftMs),
          status: r.status,
          errorClass: r.errorClass,
          cache: r.cache,
        });
      } catch (err) {
        onError(err);
      }
      if (monitor.watching) {
        monitor.publish({
          at: r.startedAt,
          requestId: r.requestId,
          endpoint: r.endpoint,
          keyId: r.keyId,
          modelRequested: r.modelRequested,
          provider: r.provider,
          modelServed: r.modelServed,
          status: r.status,
          latencyMs: Math.round(r.latencyMs),
          inputTokens: u.inputTokens ?? 0,
          outputTokens: u.outputTokens ?? 0,
          costUsd,
          cache: r.cache,
          errorClass: r.errorClass,
        });
      }
      return costUsd;
    },
    written() {
      return writer.written().catch(onError);
    },
    async flush() {
      try {
        await writer.flush();
      } catch (err) {
        onError(err);
      }
    },
    status: () => writer.status(),
  };
}

/** Answered from a kept answer (the cache, an idempotent replay): no upstream call, no cost, no latency sample. */
function keptAnswer(r: UsageRecord): boolean {
  return r.cache === "hit" || r.cache === "replay";
}
