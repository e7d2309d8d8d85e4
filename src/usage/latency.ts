// Latency telemetry: the last N latencies per provider, and their p50/p95/p99 on demand.

const WINDOW = 1000;

export interface LatencyStats {
  provider: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

export class LatencyWindow {
  private readonly samples = new Map<string, { values: Float64Array; next: number; count: number }>();

  add(provider: string, ms: number): void {
    let s = this.samples.get(provider);
    if (!s) this.samples.set(provider, (s = { values: new Float64Array(WINDOW), next: 0, count: 0 }));
    s.values[s.next] = ms;
    s.next = (s.next + 1) % WINDOW;
    s.count = Math.min(WINDOW, s.count + 1);
  }

  stats(): LatencyStats[] {
    return [...this.samples.entries()].map(([provider, s]) => {
      const sorted = Array.from(s.values.subarray(0, s.count)).sort((a, b) => a - b);
      const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
      return { provider, count: s.count, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
    });
  }
}
