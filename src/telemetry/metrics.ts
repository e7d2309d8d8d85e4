// The Prometheus metrics of one gateway (GET /metrics): counters fed by every usage row, so they equal the usage
// table; attempt outcomes from the pipeline's observer; breaker, cooldown, in-flight and budget gauges read at scrape.
// Part by part rather than "prom-client" itself: see prom-client-parts.d.ts.
import Counter from "prom-client/lib/counter";
import Gauge from "prom-client/lib/gauge";
import Registry from "prom-client/lib/registry";
import type { FailureKind } from "../accounts/failure.ts";
import type { Health } from "../accounts/health.ts";
import type { AccountPool } from "../accounts/pool.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { Budgets } from "../usage/budgets.ts";
import type { UsageRecord } from "../usage/recorder.ts";
import type { AttemptEnd, PipelineObserver, RequestWatch } from "../gateway/observer.ts";
import { formatOfEndpoint } from "./endpoint-format.ts";
import type { ModelLabels } from "./model-labels.ts";
import { createRowCounter } from "./row-counts.ts";
import { SeriesHistogram } from "./series-histogram.ts";

/** From a cache hit (tens of ms) to a long agentic answer (minutes). */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];
/** The provider label of a row no provider was chosen for (refused before routing). */
const NO_PROVIDER = "none";

export interface MetricsDeps {
  models: ModelLabels;
  providers: Pick<ProviderRegistry, "all">;
  accounts: Pick<AccountPool, "accountsOf">;
  health: Health;
  budgets: Pick<Budgets, "list">;
  /** A key's name for the budget gauge's label. */
  keyName: (keyId: string) => string | undefined;
}

export interface GatewayMetrics {
  /** Count one usage row (and the cost it was charged). */
  countRow(row: UsageRecord, costUsd: number): void;
  /** Counts attempts by outcome and requests in flight. */
  observer: PipelineObserver;
  /** The exposition text and its content type. */
  render(): Promise<{ body: string; contentType: string }>;
}

/**
 * process_* and nodejs_*: one set per process, by nature (several gateways in one process, as in the tests, share
 * the process they describe), so made once, at the first scrape: a gateway nobody scrapes never loads them (their
 * modules, the event-loop delay monitor and GC observer are ~2 MB of idle memory). Their histograms (event-loop lag,
 * GC pauses) count from that first scrape; the process counters (CPU, memory, start time) cover the whole life.
 */
let processRegistry: Promise<Registry> | undefined;

function processMetrics(): Promise<Registry> {
  processRegistry ??= import("prom-client/lib/defaultMetrics").then(({ default: collectDefaultMetrics }) => {
    const registry = new Registry();
    // The event-loop lag is sampled every 100 ms, not every 10 (prom-client's default): 90 fewer wake-ups a second.
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
    return registry;
  });
  return processRegistry;
}

export function createMetrics(deps: MetricsDeps): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: "omniroute_requests_total",
    help: "Client requests by wire format, provider, model and status (one per usage row).",
    labelNames: ["format", "provider", "model", "status"] as const,
    registers,
    // The rows' increments wait in plain maps until a scrape (row-counts.ts).
    collect: () => rows.flush(),
  });
  const tokens = new Counter({
    name: "omniroute_tokens_total",
    help: "Tokens by provider, model and type (input, output, cached, cache_write, reasoning).",
    labelNames: ["provider", "model", "type"] as const,
    registers,
    // The rows' increments wait in plain maps until a scrape (row-counts.ts).
    collect: () => rows.flush(),
  });
  const cost = new Counter({
    name: "omniroute_cost_usd_total",
    help: "Cost charged in US dollars by provider and model.",
    labelNames: ["provider", "model"] as const,
    registers,
    // The rows' increments wait in plain maps until a scrape (row-counts.ts).
    collect: () => rows.flush(),
  });
  const rows = createRowCounter({ requests, tokens, cost });
  // Observed on every proxied request: counted in plain arrays, written out beside the registry's text (see
  // series-histogram.ts).
  const duration = new SeriesHistogram({
    name: "omniroute_request_duration_seconds",
    help: "Time from a request's arrival to its end (answers from the cache and idempotent replays excluded).",
    labelNames: ["provider", "model"] as const,
    buckets: DURATION_BUCKETS,
  });
  const ttft = new SeriesHistogram({
    name: "omniroute_time_to_first_token_seconds",
    help: "Time from a request's arrival to the first byte of its answer (answers from the cache and replays excluded).",
    labelNames: ["provider", "model"] as const,
    buckets: TTFT_BUCKETS,
  });
  new Counter({
    name: "omniroute_upstream_attempts_total",
    help: "Upstream calls by provider and outcome.",
    labelNames: ["provider", "outcome"] as const,
    registers,
    collect() {
      for (const entry of attemptCounts.values()) {
        if (!entry.count) continue;
        this.inc({ provider: entry.provider, outcome: entry.outcome }, entry.count);
        entry.count = 0;
      }
    },
  });
  const fallbacks = new Counter({
    name: "omniroute_fallbacks_total",
    help: "Upstream calls made after an earlier call of the same request failed.",
    registers,
  });
  const cacheRequests = new Counter({
    name: "omniroute_cache_requests_total",
    help: "Cacheable requests by result: hit (response cache), miss (went upstream), replay (idempotent duplicate).",
    labelNames: ["result"] as const,
    registers,
  });
  new Gauge({
    name: "omniroute_inflight_requests",
    help: "Client requests routed and not yet over.",
    registers,
    collect() {
      this.set(open);
    },
  });
  new Gauge({
    name: "omniroute_circuit_breaker_state",
    help: "Circuit breaker per provider with accounts: 0 closed, 1 half-open, 2 open.",
    labelNames: ["provider"] as const,
    registers,
    collect() {
      this.reset();
      for (const spec of deps.providers.all()) if (deps.accounts.accountsOf(spec.id).length) this.set({ provider: spec.id }, 0);
      for (const b of deps.health.breakers.list())
        this.set({ provider: b.provider }, b.phase === "open" ? 2 : b.phase === "half_open" ? 1 : 0);
    },
  });
  new Gauge({
    name: "omniroute_account_cooldowns",
    help: "Accounts (or account and model pairs) cooling down now, per provider.",
    labelNames: ["provider"] as const,
    registers,
    collect() {
      this.reset();
      const providerOf = new Map<string, string>();
      for (const spec of deps.providers.all()) {
        const accounts = deps.accounts.accountsOf(spec.id);
        for (const a of accounts) providerOf.set(a.id, spec.id);
        if (accounts.length) this.set({ provider: spec.id }, 0);
      }
      for (const c of deps.health.cooldowns.active()) this.inc({ provider: providerOf.get(c.accountId) ?? "unknown" });
    },
  });
  new Gauge({
    name: "omniroute_budget_spent_usd",
    help: "Spent in the current period of each API key's budget, in US dollars.",
    labelNames: ["key", "period"] as const,
    registers,
    collect() {
      this.reset();
      for (const b of deps.budgets.list()) this.set({ key: deps.keyName(b.keyId) ?? b.keyId, period: b.period }, b.spent);
    },
  });

  // Per request, plain counts: the attempts by provider and outcome, and the requests in flight, reach prom-client
  // when /metrics is read (its label hashing and checks per call cost more than the rest of the row's counting).
  const attemptCounts = new Map<string, { provider: string; outcome: string; count: number }>();
  const attemptWatch = (provider: string) => ({
    end(how: AttemptEnd) {
      const outcome = attemptOutcome(how);
      const key = `${provider}\n${outcome}`;
      const entry = attemptCounts.get(key);
      if (entry) entry.count++;
      else attemptCounts.set(key, { provider, outcome, count: 1 });
    },
  });
  let open = 0;
  const watch: RequestWatch = {
    attempt: (candidate) => attemptWatch(candidate.target.provider.id),
    end() {
      open--;
    },
  };
  const observer: PipelineObserver = {
    request() {
      open++;
      return watch;
    },
  };

  return {
    countRow(r, costUsd) {
      const provider = r.provider ?? NO_PROVIDER;
      const model = deps.models.of(r.modelServed ?? r.modelRequested);
      const u = r.usage;
      rows.add({
        format: formatOfEndpoint(r.endpoint),
        provider,
        model,
        status: r.status,
        tokens: {
          input: u?.inputTokens,
          output: u?.outputTokens,
          cached: u?.cacheReadTokens,
          cache_write: u?.cacheWriteTokens,
          reasoning: u?.reasoningTokens,
        },
        cost: costUsd,
      });
      if (r.cache) cacheRequests.inc({ result: r.cache });
      if (r.cache === "hit" || r.cache === "replay") return;
      if (r.attempt > 1) fallbacks.inc(r.attempt - 1);
      duration.observe({ provider, model }, r.latencyMs / 1000);
      if (r.ttftMs !== undefined) ttft.observe({ provider, model }, r.ttftMs / 1000);
    },
    observer,
    async render() {
      const histograms = `${duration.text()}\n\n${ttft.text()}\n`;
      return {
        body: `${await (await processMetrics()).metrics()}\n${await registry.metrics()}\n${histograms}`,
        contentType: registry.contentType,
      };
    },
  };
}

/** The `outcome` label of an upstream call. */
export function attemptOutcome(how: AttemptEnd): string {
  switch (how.result) {
    case "success":
      return "success";
    case "error":
      return "error";
    case "failure":
      return failureOutcome(how.failure.kind);
    default: {
      const unreachable: never = how;
      throw new Error(`unknown attempt end ${JSON.stringify(unreachable)}`);
    }
  }
}

function failureOutcome(kind: FailureKind): string {
  switch (kind) {
    case "rate_limit":
      return "rate_limited";
    case "quota":
      return "quota_exhausted";
    case "auth":
      return "auth_failed";
    case "server":
      return "server_error";
    case "timeout":
      return "timeout";
    case "connection":
      return "connection_failed";
    case "context":
      return "context_too_long";
    case "client":
      return "client_error";
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown failure kind ${String(unreachable)}`);
    }
  }
}
