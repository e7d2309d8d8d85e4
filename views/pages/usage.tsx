// Usage: charts for a chosen range (re-rendered by htmx when the range changes) and the filterable request log.
/** @jsxImportSource hono/jsx */
import type { UsageRow } from "../../src/db/queries/usage.ts";
import type { UsageLogFilter } from "../../src/db/queries/usage-series.ts";
import { RANGES, type UsageCharts } from "../../src/dashboard/usage-data.ts";
import { hx } from "../components/attrs.ts";
import { Layout } from "../components/layout.tsx";
import { UsageChartsPanel } from "../partials/usage-charts.tsx";
import { LogFilters, LogTable, type Named } from "../partials/usage-log.tsx";

export interface UsagePageProps {
  charts: UsageCharts;
  filter: UsageLogFilter;
  providers: Named[];
  keys: Named[];
  rows: UsageRow[];
  next: string | null;
  /** The page is short because the log was searched only so far (see LogPage). */
  short?: boolean;
  defaultPassword: boolean;
}

export function UsagePage(p: UsagePageProps) {
  const keyNames = new Map(p.keys.map((k) => [k.id, k.name]));
  return (
    <Layout title="Usage" active="/dashboard/usage" defaultPassword={p.defaultPassword}>
      <hgroup>
        <h1>Usage</h1>
        <p>Requests, tokens and cost through this gateway. Days and hours are UTC.</p>
      </hgroup>
      <section aria-labelledby="usage-charts-heading">
        <div class="section-head">
          <h2 id="usage-charts-heading">Over time</h2>
          <form id="usage-range" method="get" action="/dashboard/usage" class="range-form">
            <label for="f-range">
              Range
              <select
                id="f-range"
                name="range"
                {...hx({ get: "/dashboard/partials/usage/charts", include: "closest form", target: "#usage-charts", swap: "outerHTML" })}
              >
                {Object.entries(RANGES).map(([id, r]) => (
                  <option value={id} selected={id === p.charts.range}>
                    {r.label}
                  </option>
                ))}
              </select>
            </label>
            <noscript>
              <button type="submit" class="small">
                Show
              </button>
            </noscript>
          </form>
        </div>
        <UsageChartsPanel d={p.charts} />
      </section>
      <section id="request-log" aria-labelledby="usage-log-heading">
        <h2 id="usage-log-heading">Request log</h2>
        <LogFilters filter={p.filter} providers={p.providers} keys={p.keys} range={p.charts.range} />
        <LogTable rows={p.rows} keyNames={keyNames} next={p.next} short={p.short} />
      </section>
    </Layout>
  );
}
