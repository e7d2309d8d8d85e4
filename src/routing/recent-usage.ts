// Requests per model over the last few minutes, in per-minute buckets (for the least-used combo strategy).

const WINDOW_MINUTES = 10;

export class RecentUsage {
  private readonly counts = new Map<string, { minute: number; buckets: number[] }>();

  record(model: string, now = Date.now()): void {
    const minute = Math.floor(now / 60_000);
    const entry = this.counts.get(model) ?? { minute, buckets: new Array<number>(WINDOW_MINUTES).fill(0) };
    this.advance(entry, minute);
    entry.buckets[minute % WINDOW_MINUTES]!++;
    this.counts.set(model, entry);
  }

  count(model: string, now = Date.now()): number {
    const entry = this.counts.get(model);
    if (!entry) return 0;
    this.advance(entry, Math.floor(now / 60_000));
    return entry.buckets.reduce((a, b) => a + b, 0);
  }

  private advance(entry: { minute: number; buckets: number[] }, minute: number): void {
    const steps = Math.min(WINDOW_MINUTES, minute - entry.minute);
    for (let i = 1; i <= steps; i++) entry.buckets[(entry.minute + i) % WINDOW_MINUTES] = 0;
    if (minute > entry.minute) entry.minute = minute;
  }
}
