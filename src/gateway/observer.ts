// What the pipeline tells whoever watches it (traces, logs): a request starts, each upstream attempt starts and
// ends, the request ends. One interface, told at the same points whatever the path; a no-op unless one is set.
import type { Failure } from "../accounts/failure.ts";
import type { FormatId } from "../formats/types.ts";
import type { Candidate } from "./candidates.ts";
import type { Outcome } from "./settlement.ts";

export interface RequestInfo {
  requestId: string;
  /** The usage row's endpoint name ("chat.completions", "messages", "embeddings"...). */
  endpoint: string;
  /** The client's wire format; undefined for media endpoints. */
  ingress?: FormatId;
  /** The model the client named. */
  model: string;
  stream: boolean;
  /** The client's request headers (a W3C `traceparent` continues its trace). */
  headers?: Headers;
  /** The output limit the client set, when it set one. */
  maxTokens?: number;
  /** Answered from a kept answer, with no upstream call: the response cache ("hit") or an idempotent replay. */
  kept?: "hit" | "replay";
}

/** How one upstream call ended: it answered, it failed (and failover goes on, or not), or it threw. */
export type AttemptEnd = { result: "success" } | { result: "failure"; failure: Failure } | { result: "error"; error: unknown };

export interface AttemptWatch {
  end(how: AttemptEnd): void;
}

export interface RequestWatch {
  /** An upstream call starts on this candidate. */
  attempt(candidate: Candidate): AttemptWatch;
  /** The request is over, once: its outcome as its usage row records it, and who served it (or was called last). */
  end(outcome: Outcome, served: Candidate | undefined, calls: number): void;
}

export interface PipelineObserver {
  request(info: RequestInfo): RequestWatch;
}

const NO_ATTEMPT: AttemptWatch = { end() {} };
const NO_WATCH: RequestWatch = { attempt: () => NO_ATTEMPT, end() {} };

/** Watches nothing and costs nothing: the default when no tracing is configured. */
export const NO_OBSERVER: PipelineObserver = { request: () => NO_WATCH };
