// A Prometheus histogram counted in plain arrays, one per label set, and written in the text format when /metrics is
// read. prom-client's Histogram checks and hashes its labels and looks its bucket up by key on every observation
// (~5 µs of each proxied request, measured on the c=1 path); this costs a map look-up and an array increment. The text
// is the one prom-client writes for the same observations (tested side by side).

/** One label set's counts: per bucket (not cumulative), then their sum and count. */
interface Series {
  labels: readonly string[];
  buckets: number[];
  sum: number;
  count: number;
}

export interface SeriesHistogramSpec<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** Upper bounds, ascending; +Inf is implied. */
  buckets: readonly number[];
}

export class SeriesHistogram<L extends string> {
  private readonly series = new Map<string, Series>();

  constructor(private readonly spec: SeriesHistogramSpec<L>) {}

  observe(labels: Readonly<Record<L, string>>, value: number): void {
    if (!Number.isFinite(value)) return;
    const { labelNames, buckets } = this.spec;
    const values = labelNames.map((n) => labels[n]);
    const key = values.join("\u0000");
    let s = this.series.get(key);
    if (!s) {
      s = { labels: values, buckets: new Array<number>(buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    let i = 0;
    while (i < buckets.length && value > buckets[i]!) i++;
    if (i < buckets.length) s.buckets[i]!++;
    s.sum += value;
    s.count++;
  }

  /** The metric in Prometheus' text format (no trailing newline), as prom-client's registry writes a histogram. */
  text(): string {
    const { name, help, labelNames, buckets } = this.spec;
    const lines = [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} histogram`];
    for (const s of this.series.values()) {
      const shared = labelNames.map((n, i) => `${n}="${escapeLabelValue(s.labels[i]!)}"`).join(",");
      const withLe = (le: string) => `{le="${le}"${shared ? `,${shared}` : ""}}`;
      let cumulative = 0;
      for (let i = 0; i < buckets.length; i++) {
        cumulative += s.buckets[i]!;
        lines.push(`${name}_bucket${withLe(String(buckets[i]))} ${cumulative}`);
      }
      lines.push(`${name}_bucket${withLe("+Inf")} ${s.count}`);
      const braces = shared ? `{${shared}}` : "";
      lines.push(`${name}_sum${braces} ${s.sum}`, `${name}_count${braces} ${s.count}`);
    }
    return lines.join("\n");
  }
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}
