// The request log: its filters, the table (newest first), and the "Load more" row that appends the next page via htmx.
/** @jsxImportSource hono/jsx */
import type { UsageRow } from "../../src/db/queries/usage.ts";
import type { UsageLogFilter } from "../../src/db/queries/usage-series.ts";
import { hx } from "../components/attrs.ts";
import { Badge, formatNumber, usd } from "../components/card.tsx";
import { Select } from "../components/form.tsx";

export interface Named {
  id: string;
  name: string;
}

const COLUMNS = [
  "Time (UTC)",
  "Key",
  "Model requested → served",
  "Provider",
  "Status",
  "Tokens in / out",
  "Cost",
  "Latency",
  "TTFT",
  "Cache",
];

export function LogFilters(props: { filter: UsageLogFilter; providers: Named[]; keys: Named[]; range?: string }) {
  const f = props.filter;
  return (
    <form
      id="usage-log-filters"
      method="get"
      action="/dashboard/usage#request-log"
      {...hx({ get: "/dashboard/partials/usage/logs", target: "#usage-log", swap: "outerHTML" })}
    >
      {props.range ? <input type="hidden" name="range" value={props.range} /> : null}
      <div class="filter-grid">
        <Select
          name="provider"
          label="Provider"
          value={f.provider ?? ""}
          options={[{ value: "", label: "Any provider" }, ...props.providers.map((p) => ({ value: p.id, label: p.name }))]}
        />
        <label for="f-model">
          Model contains
          <input id="f-model" name="model" type="search" value={f.model ?? ""} placeholder="e.g. sonnet" autocomplete="off" />
        </label>
        <Select
          name="key"
          label="API key"
          value={f.keyId ?? ""}
          options={[{ value: "", label: "Any key" }, ...props.keys.map((k) => ({ value: k.id, label: k.name }))]}
        />
        <Select
          name="status"
          label="Status"
          value={f.status ?? ""}
          options={[
            { value: "", label: "Any status" },
            { value: "ok", label: "Succeeded" },
            { value: "errors", label: "Failed" },
          ]}
        />
      </div>
      <label>
        <input type="checkbox" name="cache" value="hit" checked={f.cacheHits} /> Cache hits only
      </label>
      <div class="button-row">
        <button type="submit">Apply filters</button>
        <a href="/dashboard/usage#request-log" role="button" class="secondary outline">
          Clear
        </a>
      </div>
    </form>
  );
}

function time(ts: number): string {
  const iso = new Date(ts).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function ms(n: number | null): string {
  if (n === null) return "—";
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${formatNumber(n)} ms`;
}

export function LogRows(props: { rows: UsageRow[]; keyNames: Map<string, string> }) {
  return (
    <>
      {props.rows.map((r) => {
        const served = r.modelServed && r.modelServed !== r.modelRequested ? r.modelServed : null;
        return (
          <tr>
            <td>
              <time datetime={new Date(r.ts).toISOString()}>{time(r.ts)}</time>
            </td>
            <td>
              {r.keyId === null ? <span class="muted">—</span> : (props.keyNames.get(r.keyId) ?? <span class="muted">deleted key</span>)}
            </td>
            <td>
              {r.modelRequested}
              {served ? <> → {served}</> : null}
              {r.combo ? <small class="muted"> (combo {r.combo})</small> : null}
            </td>
            <td>{r.provider ?? <span class="muted">—</span>}</td>
            <td>
              <Badge kind={r.status >= 400 ? "bad" : "ok"}>{r.status}</Badge>
              {r.errorClass ? <small class="muted"> {r.errorClass}</small> : null}
            </td>
            <td>
              {formatNumber(r.inputTokens)} / {formatNumber(r.outputTokens)}
            </td>
            <td>{usd(r.costUsd)}</td>
            <td>{ms(r.latencyMs)}</td>
            <td>{ms(r.ttftMs)}</td>
            <td>{r.cache ?? "—"}</td>
          </tr>
        );
      })}
    </>
  );
}

/** The last row: a button that swaps itself for the next page (its rows and a new last row). */
export function MoreRow(props: { next: string | null; empty?: boolean; short?: boolean }) {
  return (
    <tr id="usage-log-more">
      <td colspan={COLUMNS.length}>
        {props.next ? (
          <>
            {props.short ? (
              <span class="muted">
                {props.empty ? "No match among the most recent requests. " : "No more matches among the most recent requests. "}
              </span>
            ) : null}
            <button
              id="usage-log-more-button"
              type="button"
              class="secondary outline small"
              {...hx({ get: `/dashboard/partials/usage/logs?${props.next}`, target: "#usage-log-more", swap: "outerHTML" })}
            >
              {props.short ? "Search older requests" : "Load more"}
            </button>
          </>
        ) : (
          <span class="muted">{props.empty ? "No requests match these filters." : "End of the log."}</span>
        )}
      </td>
    </tr>
  );
}

export function LogTable(props: { rows: UsageRow[]; keyNames: Map<string, string>; next: string | null; short?: boolean }) {
  return (
    <div id="usage-log" class="table-wrap">
      <table class="compact">
        <caption class="visually-hidden">Requests, newest first</caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <LogRows rows={props.rows} keyNames={props.keyNames} />
          <MoreRow next={props.next} empty={!props.rows.length} short={props.short} />
        </tbody>
      </table>
    </div>
  );
}
