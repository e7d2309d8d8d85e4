// The live monitor: every finished request, published to whoever watches (the dashboard's Live monitor over SSE).

export interface MonitorEvent {
  at: number;
  requestId: string;
  endpoint: string;
  keyId: string | null;
  modelRequested: string;
  provider?: string;
  modelServed?: string;
  status: number;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  cache?: "hit" | "miss" | "replay";
  errorClass?: string;
}

/** At most this many watchers at once; a dashboard tab left open should not cost the gateway more. */
const MAX_WATCHERS = 32;

export class LiveMonitor {
  private readonly watchers = new Set<(e: MonitorEvent) => void>();

  get watching(): number {
    return this.watchers.size;
  }

  /** Returns an unsubscribe function, or undefined when too many are watching. */
  subscribe(fn: (e: MonitorEvent) => void): (() => void) | undefined {
    if (this.watchers.size >= MAX_WATCHERS) return undefined;
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  publish(event: MonitorEvent): void {
    for (const fn of this.watchers) {
      try {
        fn(event);
      } catch {
        // A broken watcher must not break the request that is being recorded.
      }
    }
  }
}
