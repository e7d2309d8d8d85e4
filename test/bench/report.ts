// Figures to text: percentiles, the rows of the result table, and the Markdown around it.
import type { Target } from "./scenarios.ts";

export interface Row {
  scenario: string;
  measure: string;
  direct?: number;
  gateway: number;
  unit: string;
  /** Decimals to print. */
  digits: number;
  target?: Target | null;
  note?: string;
  /** Throughput rows: CPU µs the proxy (the gateway, or the floor in its rows) spent per request, median of the runs. */
  proxyCpuUs?: number;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

function fmt(value: number, digits: number, unit: string): string {
  if (!Number.isFinite(value)) return "n/a";
  return `${value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

/** Whether a row meets its target; undefined when it has none. */
export function meets(row: Row): boolean | undefined {
  const t = row.target;
  if (!t) return undefined;
  const value = t.on === "gateway" ? row.gateway : row.direct === undefined ? NaN : row.gateway - row.direct;
  if (!Number.isFinite(value)) return false;
  if (t.atMost !== undefined && value > t.atMost) return false;
  if (t.atLeast !== undefined && value < t.atLeast) return false;
  return true;
}

export function markdownTable(rows: Row[]): string {
  const head =
    "| Scenario | Measure | Direct upstream | Through gateway | Difference | Target | Met | Notes |\n|---|---|---:|---:|---:|---|:---:|---|";
  const lines = rows.map((r) => {
    const diff = r.direct === undefined ? "" : r.gateway - r.direct;
    const signed = typeof diff === "number" ? `${diff >= 0 ? "+" : ""}${fmt(diff, r.digits, r.unit)}` : "";
    const ok = meets(r);
    const cells = [
      r.scenario,
      r.measure,
      r.direct === undefined ? "" : fmt(r.direct, r.digits, r.unit),
      fmt(r.gateway, r.digits, r.unit),
      signed,
      r.target?.label ?? "",
      ok === undefined ? "" : ok ? "yes" : "**no**",
      r.note ?? "",
    ];
    return `| ${cells.join(" | ")} |`;
  });
  return [head, ...lines].join("\n");
}

export function report(opts: { rows: Row[]; header: string[]; notes: string[]; seconds: number }): string {
  const missed = opts.rows.filter((r) => meets(r) === false).length;
  return [
    "# OmniRoute gateway bench",
    "",
    ...opts.header.map((h) => `- ${h}`),
    "",
    markdownTable(opts.rows),
    "",
    ...opts.notes.map((n) => `- ${n}`),
    "",
    `${missed === 0 ? "Every target met" : `${missed} target(s) missed`}; bench took ${opts.seconds.toFixed(0)} s.`,
    "",
  ].join("\n");
}
