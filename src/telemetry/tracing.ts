// OpenTelemetry traces of the pipeline, loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set: each client request is
// a span following the GenAI semantic conventions, each upstream call a child span; a client's traceparent is continued.
// Prompt and completion content are never put on a span.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type TextMapGetter,
  type Tracer,
} from "@opentelemetry/api";
import { ExportResultCode, W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from "@opentelemetry/semantic-conventions";
import type { FinishReason } from "../canonical/usage.ts";
import type { TracingConfig } from "../config.ts";
import type { AttemptEnd, PipelineObserver, RequestInfo, RequestWatch } from "../gateway/observer.ts";

/**
 * What tracing needs of the rest of the gateway, passed in rather than imported: this module is its own lazily
 * loaded chunk of the bundle and shares no code with the main one (Bun's splitting would put shared code in a
 * chunk named like the entry point).
 */
export interface TracingDeps {
  version: string;
  /** The `outcome` label of an attempt, as the metrics name it. */
  outcomeOf: (how: AttemptEnd) => string;
  warn: (message: string, detail?: unknown) => void;
}

/** A collector that cannot be reached is said in the log at most this often. */
const WARN_EVERY_MS = 60_000;

/** GenAI attribute names (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/). */
const GEN_AI = {
  operation: "gen_ai.operation.name",
  provider: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  maxTokens: "gen_ai.request.max_tokens",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  cacheReadTokens: "gen_ai.usage.cache_read.input_tokens",
  cacheWriteTokens: "gen_ai.usage.cache_creation.input_tokens",
  finishReasons: "gen_ai.response.finish_reasons",
} as const;

/** Our finish reasons as the GenAI conventions spell them (OpenAI's values: stop, length, tool_calls, content_filter). */
const FINISH_REASON: Record<FinishReason, string> = {
  stop: "stop",
  "stop-sequence": "stop",
  length: "length",
  "tool-calls": "tool_calls",
  "content-filter": "content_filter",
  pause: "pause",
  error: "error",
};

export interface Tracing {
  observer: PipelineObserver;
  /** Send the spans still in the batch and stop (shutdown). */
  shutdown(): Promise<void>;
  /** Send the spans still in the batch now (tests, and before a shutdown). */
  flush(): Promise<void>;
}

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

export function createTracing(config: TracingConfig, deps: TracingDeps): Tracing {
  const exporterConfig = { url: config.url, headers: { ...config.headers }, timeoutMillis: config.timeoutMs };
  const otlp = config.protocol === "http/json" ? new JsonExporter(exporterConfig) : new ProtobufExporter(exporterConfig);
  const exporter = sayingFailures(otlp, config.url, deps.warn);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, [ATTR_SERVICE_VERSION]: deps.version }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.batchDelayMs })],
  });
  const tracer = provider.getTracer("omniroute", deps.version);
  const propagator = new W3CTraceContextPropagator();
  return {
    observer: { request: (info) => watchRequest(tracer, propagator, deps.outcomeOf, info) },
    shutdown: () => provider.shutdown().catch((err: unknown) => deps.warn("traces not exported at shutdown", err)),
    flush: () => provider.forceFlush(),
  };
}

/** The exporter, with batches the collector did not take said in the log (at most once a minute, with how many spans were lost). */
function sayingFailures(inner: SpanExporter, url: string, warn: TracingDeps["warn"]): SpanExporter {
  let saidAt = -Infinity;
  let lost = 0;
  return {
    export(spans, done) {
      inner.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) {
          lost += spans.length;
          const now = Date.now();
          if (now - saidAt >= WARN_EVERY_MS) {
            saidAt = now;
            warn(`traces not exported to ${url}: ${result.error?.message ?? "the collector did not take them"}`, { spansLost: lost });
            lost = 0;
          }
        }
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

/** The GenAI operation an endpoint performs. */
function operationOf(endpoint: string): string {
  const e = endpoint.startsWith("providers.") ? endpoint.slice("providers.".length) : endpoint;
  if (e === "embeddings") return "embeddings";
  if (e === "images.generations" || e === "audio.transcriptions") return "generate_content";
  return "chat";
}

function watchRequest(
  tracer: Tracer,
  propagator: W3CTraceContextPropagator,
  outcomeOf: TracingDeps["outcomeOf"],
  info: RequestInfo,
): RequestWatch {
  const parent = info.headers ? propagator.extract(ROOT_CONTEXT, info.headers, headerGetter) : ROOT_CONTEXT;
  const operation = operationOf(info.endpoint);
  const attributes: Attributes = {
    [GEN_AI.operation]: operation,
    [GEN_AI.requestModel]: info.model,
    "omniroute.request_id": info.requestId,
    "omniroute.endpoint": info.endpoint,
    "omniroute.stream": info.stream,
  };
  if (info.ingress) attributes["omniroute.client_format"] = info.ingress;
  if (info.maxTokens !== undefined) attributes[GEN_AI.maxTokens] = info.maxTokens;
  if (info.kept) attributes["omniroute.cache"] = info.kept;
  // "{operation} {model}", or the operation alone when the request named no model (the conventions' rule).
  const span = tracer.startSpan(info.model ? `${operation} ${info.model}` : operation, { kind: SpanKind.CLIENT, attributes }, parent);
  const inside = trace.setSpan(parent, span);
  return {
    attempt(candidate) {
      const child = tracer.startSpan(
        `${operation} ${candidate.target.model}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [GEN_AI.operation]: operation,
            [GEN_AI.provider]: candidate.target.provider.id,
            [GEN_AI.requestModel]: candidate.target.model,
            "omniroute.account.id": candidate.account.id,
          },
        },
        inside,
      );
      return { end: (how) => endAttempt(child, how, outcomeOf(how)) };
    },
    end(outcome, served, calls) {
      const u = outcome.usage ?? {};
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
      span.setAttribute("omniroute.attempts", calls);
      if (served) {
        span.setAttribute(GEN_AI.provider, served.target.provider.id);
        span.setAttribute(GEN_AI.responseModel, served.target.model);
        span.setAttribute("omniroute.account.id", served.account.id);
      }
      if (u.inputTokens !== undefined) span.setAttribute(GEN_AI.inputTokens, u.inputTokens);
      if (u.outputTokens !== undefined) span.setAttribute(GEN_AI.outputTokens, u.outputTokens);
      if (u.cacheReadTokens) span.setAttribute(GEN_AI.cacheReadTokens, u.cacheReadTokens);
      if (u.cacheWriteTokens) span.setAttribute(GEN_AI.cacheWriteTokens, u.cacheWriteTokens);
      if (outcome.finishReason) span.setAttribute(GEN_AI.finishReasons, [FINISH_REASON[outcome.finishReason]]);
      if (outcome.status >= 400) {
        span.setAttribute(ATTR_ERROR_TYPE, outcome.errorClass ?? String(outcome.status));
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorClass });
      }
      span.end();
    },
  };
}

function endAttempt(span: Span, how: AttemptEnd, outcome: string): void {
  span.setAttribute("omniroute.attempt.outcome", outcome);
  switch (how.result) {
    case "success":
      break;
    case "failure":
      span.setAttribute(ATTR_ERROR_TYPE, outcome);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, how.failure.status);
      span.setStatus({ code: SpanStatusCode.ERROR, message: how.failure.message.slice(0, 500) });
      break;
    case "error":
      span.setAttribute(ATTR_ERROR_TYPE, how.error instanceof Error ? how.error.name : "error");
      span.setStatus({ code: SpanStatusCode.ERROR });
      break;
    default: {
      const unreachable: never = how;
      throw new Error(`unknown attempt end ${JSON.stringify(unreachable)}`);
    }
  }
  span.end();
}
