// What a gateway tells its operators: Prometheus metrics always, OpenTelemetry traces when an OTLP endpoint is
// configured (the SDK is imported only then, so a gateway without it never loads it), JSON access lines when asked.
import type { Health } from "../accounts/health.ts";
import type { AccountPool } from "../accounts/pool.ts";
import type { Config } from "../config.ts";
import type { CustomModels } from "../providers/model-service.ts";
import type { PipelineObserver, RequestWatch } from "../gateway/observer.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { ComboStore } from "../routing/combos.ts";
import type { Settings } from "../settings/schema.ts";
import type { Budgets } from "../usage/budgets.ts";
import type { UsageRecorder } from "../usage/recorder.ts";
import { log } from "../log.ts";
import { VERSION } from "../version.ts";
import { createAccessLog } from "./access-log.ts";
import { attemptOutcome, createMetrics, type GatewayMetrics } from "./metrics.ts";
import { createModelLabels } from "./model-labels.ts";
import type { Tracing } from "./tracing.ts";
import { observedUsage } from "./usage-tap.ts";

export interface TelemetryDeps {
  config: Pick<Config, "logFormat" | "tracing">;
  models: CustomModels;
  providers: ProviderRegistry;
  combos: ComboStore;
  settings: () => Settings;
  accounts: AccountPool;
  health: Health;
  budgets: Budgets;
  keyName: (keyId: string) => string | undefined;
}

export interface Telemetry {
  metrics: GatewayMetrics;
  /** Attempts and in-flight counts for the metrics, and spans when tracing is on. */
  observer: PipelineObserver;
  /** The usage recorder with every row counted (and logged as an access line under LOG_FORMAT=json). */
  observe(recorder: UsageRecorder): UsageRecorder;
  /** Set when traces are exported. */
  tracing?: Tracing;
  /** Export what is still batched (at shutdown). */
  shutdown(): Promise<void>;
}

export async function createTelemetry(deps: TelemetryDeps): Promise<Telemetry> {
  const metrics = createMetrics({
    models: createModelLabels(deps),
    providers: deps.providers,
    accounts: deps.accounts,
    health: deps.health,
    budgets: deps.budgets,
    keyName: deps.keyName,
  });
  const accessLine = deps.config.logFormat === "json" ? createAccessLog({ keyName: deps.keyName }) : undefined;
  const tracing = deps.config.tracing
    ? (await import("./tracing.ts")).createTracing(deps.config.tracing, { version: VERSION, outcomeOf: attemptOutcome, warn: log.warn })
    : undefined;
  return {
    metrics,
    observer: tracing ? bothObservers(metrics.observer, tracing.observer) : metrics.observer,
    observe: (recorder) => observedUsage(recorder, metrics, accessLine),
    tracing,
    shutdown: async () => {
      await tracing?.shutdown();
    },
  };
}

/** Tells two observers the same things, in order. */
function bothObservers(first: PipelineObserver, second: PipelineObserver): PipelineObserver {
  return {
    request(info) {
      const a = first.request(info);
      const b = second.request(info);
      const watch: RequestWatch = {
        attempt(candidate) {
          const x = a.attempt(candidate);
          const y = b.attempt(candidate);
          return {
            end(how) {
              x.end(how);
              y.end(how);
            },
          };
        },
        end(outcome, served, calls) {
          a.end(outcome, served, calls);
          b.end(outcome, served, calls);
        },
      };
      return watch;
    },
  };
}
