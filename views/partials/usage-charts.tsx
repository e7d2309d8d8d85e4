// The Usage page's charts for one range: totals, requests / tokens / cost over time, and the top providers, models and keys.
/** @jsxImportSource hono/jsx */
import type { BreakdownRow, SeriesPoint, UsageCharts } from "../../src/dashboard/usage-data.ts";
import { RANGES } from "../../src/dashboard/usage-data.ts";
import { Card, formatNumber, usd } from "../components/card.tsx";
import { BarList, ColumnChart, compact } from "./charts.tsx";

const pad = (n: number) => String(n).padStart(2, "0");

function shortLabel(unit: "hour" | "day", start: number): string {
  const d = new Date(start);
  return unit === "hour" ? `${pad(d.getUTCHours())}:00` : `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function fullLabel(unit: "hour" | "day", start: number): string {
  const iso = new Date(start).toISOString();
  return unit === "hour" ? `${iso.slice(0, 10)} ${iso.slice(11, 13)}:00` : iso.slice(0, 10);
}

/** "busiest 2026-05-14 (300)", or nothing when every bucket is empty. */
function peak(points: SeriesPoint[], unit: "hour" | "day", value: (p: SeriesPoint) => number, fmt: (n: number) => string): string {
  let best: SeriesPoint | undefined;
  for (const p of points) if (value(p) > 0 && (!best || value(p) > value(best))) best = p;
  return best ? `; highest ${fullLabel(unit, best.start)} UTC with ${fmt(value(best))}` : "";
}

/** Axis money: "$0", "$0.0050", "$25", "$1.5k". */
const money = (n: number) => (n === 0 ? "$0" : n >= 1 ? `$${compact(n)}` : usd(n));

export function UsageChartsPanel({ d }: { d: UsageCharts }) {
  const per = d.unit === "hour" ? "hour" : "day";
  const range = RANGES[d.range].label.toLowerCase();
  const labels = d.points.map((p) => shortLabel(d.unit, p.start));
  const tableLabels = d.points.map((p) => fullLabel(d.unit, p.start));
  const labelHeader = d.unit === "hour" ? "Hour (UTC)" : "Day (UTC)";
  const tokens = d.totals.inputTokens + d.totals.outputTokens;
  return (
    <div id="usage-charts" aria-live="polite">
      <div class="grid-cards">
        <Card title="Requests">
          <p class="stat">{formatNumber(d.totals.requests)}</p>
          <small class="muted">
            {formatNumber(d.totals.errors)} failed · {range}
          </small>
        </Card>
        <Card title="Tokens">
          <p class="stat">{compact(tokens)}</p>
          <small class="muted">
            {formatNumber(d.totals.inputTokens)} in · {formatNumber(d.totals.outputTokens)} out
          </small>
        </Card>
        <Card title="Cost">
          <p class="stat">{usd(d.totals.costUsd)}</p>
          <small class="muted">{range}</small>
        </Card>
      </div>
      <div class="grid-cards">
        <Card title={`Requests per ${per}`}>
          <ColumnChart
            id="chart-requests"
            title={`Requests per ${per}, ${range}`}
            summary={`Requests per ${per}, ${range} (UTC): ${formatNumber(d.totals.requests)} in total, ${formatNumber(d.totals.errors)} failed${peak(d.points, d.unit, (p) => p.requests, formatNumber)}.`}
            labels={labels}
            tableLabels={tableLabels}
            series={[
              { name: "Succeeded", tone: "", values: d.points.map((p) => p.requests - p.errors) },
              { name: "Failed", tone: "bad", values: d.points.map((p) => p.errors) },
            ]}
            format={compact}
            formatExact={formatNumber}
            labelHeader={labelHeader}
          />
        </Card>
        <Card title={`Tokens per ${per}`}>
          <ColumnChart
            id="chart-tokens"
            title={`Tokens per ${per}, ${range}`}
            summary={`Tokens per ${per}, ${range} (UTC): ${formatNumber(d.totals.inputTokens)} input and ${formatNumber(d.totals.outputTokens)} output${peak(d.points, d.unit, (p) => p.inputTokens + p.outputTokens, formatNumber)}.`}
            labels={labels}
            tableLabels={tableLabels}
            series={[
              { name: "Input", tone: "", values: d.points.map((p) => p.inputTokens) },
              { name: "Output", tone: "alt", values: d.points.map((p) => p.outputTokens) },
            ]}
            format={compact}
            formatExact={formatNumber}
            labelHeader={labelHeader}
          />
        </Card>
        <Card title={`Cost per ${per}`}>
          <ColumnChart
            id="chart-cost"
            title={`Cost per ${per}, ${range}`}
            summary={`Cost per ${per}, ${range} (UTC): ${usd(d.totals.costUsd)} in total${peak(d.points, d.unit, (p) => p.costUsd, usd)}.`}
            labels={labels}
            tableLabels={tableLabels}
            series={[{ name: "Cost (USD)", tone: "", values: d.points.map((p) => p.costUsd) }]}
            format={money}
            formatExact={usd}
            labelHeader={labelHeader}
          />
        </Card>
      </div>
      <div class="grid-cards">
        <Breakdown id="by-provider" title="By provider" noun="providers" rows={d.byProvider} range={range} />
        <Breakdown id="by-model" title="By model" noun="models" rows={d.byModel} range={range} />
        <Breakdown id="by-key" title="By API key" noun="keys" rows={d.byKey} range={range} />
      </div>
    </div>
  );
}

function Breakdown(props: { id: string; title: string; noun: string; rows: BreakdownRow[]; range: string }) {
  const top = props.rows.filter((r) => !r.muted).slice(0, 3);
  const summary = props.rows.length
    ? `Requests ${props.title.toLowerCase()}, ${props.range}: ${props.rows.length} ${props.noun} shown; ${top.map((r) => `${r.label} ${formatNumber(r.requests)}`).join(", ") || "none named"}.`
    : `No requests ${props.title.toLowerCase()} in the ${props.range}.`;
  return (
    <Card title={props.title}>
      <BarList
        id={`chart-${props.id}`}
        title={`Requests ${props.title.toLowerCase()}, ${props.range}`}
        summary={summary}
        items={props.rows.map((r) => ({
          label: r.label,
          value: r.requests,
          note: `${compact(r.requests)} req · ${usd(r.costUsd)}`,
          muted: r.muted,
        }))}
        table={
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Requests</th>
                <th scope="col">Failed</th>
                <th scope="col">Input tokens</th>
                <th scope="col">Output tokens</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr>
                  <th scope="row">{r.label}</th>
                  <td>{formatNumber(r.requests)}</td>
                  <td>{formatNumber(r.errors)}</td>
                  <td>{formatNumber(r.inputTokens)}</td>
                  <td>{formatNumber(r.outputTokens)}</td>
                  <td>{usd(r.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
    </Card>
  );
}
