// Server-drawn inline SVG charts (stacked columns over time, ranked bars), each with a spoken summary and its numbers.
/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

// Each chart is role="img" with an aria-label and a <title>; the exact numbers follow in a <details> table.

export interface ChartSeries {
  name: string;
  /** CSS class of its bars and legend swatch: "" (primary), "alt" or "bad". */
  tone: "" | "alt" | "bad";
  values: number[];
}

/** 1234 -> "1.2k", 2500000 -> "2.5M": for axis labels and bar ends, where space is short. */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)}B`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e3) return `${trim(n / 1e3)}k`;
  return trim(n);
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 1 : 0).replace(/\.0$/, "");
}

/** The smallest 1, 2 or 5 × 10^k at or above `max`, so gridlines fall on round numbers. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

const W = 360;
const H = 170;
const PAD = { left: 44, right: 6, top: 8, bottom: 22 };

export interface ColumnChartProps {
  id: string;
  title: string;
  /** What a screen reader hears: the totals and the peak. */
  summary: string;
  /** One label per column (x axis), e.g. "05-14" or "13:00". */
  labels: string[];
  /** Longer labels for the numbers table (e.g. the full date); defaults to `labels`. */
  tableLabels?: string[];
  series: ChartSeries[];
  /** Formats axis values (money vs counts). */
  format: (n: number) => string;
  /** Formats the exact numbers in the table. */
  formatExact: (n: number) => string;
  /** Header of the label column of the numbers table. */
  labelHeader: string;
}

/** Stacked columns, one per time bucket, with three gridlines and a few x labels. */
export function ColumnChart(p: ColumnChartProps) {
  const n = p.labels.length;
  const totals = p.labels.map((_, i) => p.series.reduce((s, se) => s + (se.values[i] ?? 0), 0));
  const top = niceMax(Math.max(0, ...totals));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, n);
  const barW = Math.max(1, slot * (n > 40 ? 0.8 : 0.7));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const every = Math.max(1, Math.ceil(n / 6));
  return (
    <figure class="chart-figure">
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={p.summary} id={p.id}>
        <title>{p.title}</title>
        {[0, 0.5, 1].map((f) => (
          <g>
            <line class="grid" x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} />
            <text x={PAD.left - 4} y={y(top * f) + 3} text-anchor="end">
              {p.format(top * f)}
            </text>
          </g>
        ))}
        {p.labels.map((label, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          let base = 0;
          return (
            <g>
              {p.series.map((se) => {
                const v = se.values[i] ?? 0;
                if (v <= 0) return null;
                const rect = (
                  <rect
                    class={`bar ${se.tone}`}
                    x={x.toFixed(1)}
                    width={barW.toFixed(1)}
                    y={y(base + v).toFixed(1)}
                    height={(y(base) - y(base + v)).toFixed(1)}
                  />
                );
                base += v;
                return rect;
              })}
              {i % every === 0 ? (
                <text x={(x + barW / 2).toFixed(1)} y={H - 6} text-anchor="middle">
                  {label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {p.series.length > 1 ? <Legend series={p.series} /> : null}
      <details>
        <summary>Numbers</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{p.labelHeader}</th>
                {p.series.map((se) => (
                  <th scope="col">{se.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(p.tableLabels ?? p.labels).map((label, i) => (
                <tr>
                  <th scope="row">{label}</th>
                  {p.series.map((se) => (
                    <td>{p.formatExact(se.values[i] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function Legend(props: { series: ChartSeries[] }) {
  return (
    <ul class="legend" aria-hidden="true">
      {props.series.map((se) => (
        <li>
          <span class={`swatch ${se.tone}`}></span>
          {se.name}
        </li>
      ))}
    </ul>
  );
}

export interface BarItem {
  label: string;
  value: number;
  /** Shown at the end of the bar, e.g. "1.2k req · $3.40". */
  note: string;
  /** The "other" row and missing groups are drawn muted. */
  muted?: boolean;
}

const ROW = 30;
const LABEL_CHARS = 44;

/** Horizontal bars, one per group, largest first: the label above its bar, the note right-aligned. */
export function BarList(p: { id: string; title: string; summary: string; items: BarItem[]; table: Child }) {
  const max = Math.max(0, ...p.items.map((i) => i.value));
  const height = Math.max(ROW, p.items.length * ROW) + 4;
  const barArea = W - 2;
  return (
    <figure class="chart-figure">
      {p.items.length ? (
        <svg class="chart" viewBox={`0 0 ${W} ${height}`} role="img" aria-label={p.summary} id={p.id}>
          <title>{p.title}</title>
          {p.items.map((item, i) => {
            const top = i * ROW;
            const label = item.label.length > LABEL_CHARS ? `${item.label.slice(0, LABEL_CHARS - 1)}…` : item.label;
            const width = max > 0 ? Math.max(item.value > 0 ? 2 : 0, (item.value / max) * barArea) : 0;
            return (
              <g>
                <text class="bar-label" x="1" y={top + 12}>
                  {label}
                </text>
                <text x={W - 1} y={top + 12} text-anchor="end">
                  {item.note}
                </text>
                <rect class={`bar ${item.muted ? "muted" : ""}`} x="1" y={top + 16} width={width.toFixed(1)} height="8" rx="2" />
              </g>
            );
          })}
        </svg>
      ) : (
        <p class="muted">No requests in this range.</p>
      )}
      {p.items.length ? (
        <details>
          <summary>Numbers</summary>
          <div class="table-wrap">{p.table}</div>
        </details>
      ) : null}
    </figure>
  );
}
