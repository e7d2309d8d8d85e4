// The gateway's histograms are counted by hand (src/telemetry/series-histogram.ts): their text must be exactly what
// prom-client writes for the same observations, so scrapers and dashboards see no difference.
import { describe, expect, test } from "bun:test";
import { Histogram, Registry } from "prom-client";
import { SeriesHistogram } from "../../src/telemetry/series-histogram.ts";

const BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8];

function both(help = "Time to \\ something,\nin seconds.") {
  const registry = new Registry();
  const reference = new Histogram({
    name: "x_seconds",
    help,
    labelNames: ["provider", "model"] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const ours = new SeriesHistogram({ name: "x_seconds", help, labelNames: ["provider", "model"] as const, buckets: BUCKETS });
  return {
    observe(labels: { provider: string; model: string }, value: number) {
      reference.observe(labels, value);
      ours.observe(labels, value);
    },
    reference: async () => (await registry.metrics()).trimEnd(),
    ours: () => ours.text(),
  };
}

describe("SeriesHistogram", () => {
  test("writes what prom-client writes: buckets (bounds included), +Inf, sum and count, series in order of first use", async () => {
    const h = both();
    const values = [0, 0.025, 0.0251, 0.05, 0.3, 1, 1.0000001, 7.9, 8, 8.5, 120, 0.1 + 0.2];
    for (const [i, v] of values.entries()) h.observe({ provider: i % 3 ? "ds" : "openai", model: i % 2 ? "deepseek-chat" : "other" }, v);
    expect(h.ours()).toBe(await h.reference());
    expect(h.ours()).toContain('x_seconds_bucket{le="+Inf",provider="ds",model="deepseek-chat"}');
  });

  test("label values with quotes, backslashes and newlines are escaped as prom-client escapes them", async () => {
    const h = both();
    h.observe({ provider: 'a"b', model: "c\\d\ne" }, 0.2);
    h.observe({ provider: 'a"b', model: "c\\d\ne" }, 3);
    expect(h.ours()).toBe(await h.reference());
    expect(h.ours()).toContain('provider="a\\"b",model="c\\\\d\\ne"');
  });

  test("nothing observed: the help and type lines only", async () => {
    const h = both("Plain help.");
    expect(h.ours()).toBe(await h.reference());
    expect(h.ours().split("\n")).toHaveLength(2);
  });

  test("many observations of one series keep the exact sum and counts", async () => {
    const h = both();
    for (let i = 0; i < 5000; i++) h.observe({ provider: "ds", model: "m" }, (i % 97) / 10);
    expect(h.ours()).toBe(await h.reference());
  });
});
