// The Usage page: charts for a range and the request log, plus their partials (charts on range change, log pages).
/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { listUsageLogsFiltered } from "../db/queries/usage-series.ts";
import type { Services } from "../services.ts";
import { UsagePage } from "../../views/pages/usage.tsx";
import { UsageChartsPanel } from "../../views/partials/usage-charts.tsx";
import { LogRows, LogTable, MoreRow } from "../../views/partials/usage-log.tsx";
import { logQueryString, parseLogQuery, parseRange, usageCharts, type LogQueryParams } from "./usage-data.ts";

/** Rows per page of the request log. */
export const LOG_PAGE = 50;

function logPage(services: Services, q: LogQueryParams) {
  const { cursor, ...filter } = q;
  const rows = listUsageLogsFiltered(services.db, { ...filter, before: cursor, limit: LOG_PAGE });
  const last = rows.at(-1);
  const next = rows.length === LOG_PAGE && last ? logQueryString(filter, last.id) : null;
  return { filter, rows, next };
}

const named = (list: Array<{ id: string; name: string }>) => list.map((x) => ({ id: x.id, name: x.name }));

export function usagePages(services: Services) {
  const keyNames = () => new Map(services.apiKeys.list().map((k) => [k.id, k.name]));
  return new Hono()
    .get("/usage", (c) => {
      const log = logPage(services, parseLogQuery(c.req.query()));
      return c.html(
        <UsagePage
          charts={usageCharts(services, parseRange(c.req.query("range")))}
          filter={log.filter}
          rows={log.rows}
          next={log.next}
          providers={named(services.providers.all())}
          keys={named(services.apiKeys.list())}
          defaultPassword={services.password.isDefault()}
        />,
      );
    })
    .get("/partials/usage/charts", (c) => c.html(<UsageChartsPanel d={usageCharts(services, parseRange(c.req.query("range")))} />))
    .get("/partials/usage/logs", (c) => {
      const q = parseLogQuery(c.req.query());
      const log = logPage(services, q);
      // A cursor means "Load more": only the next rows and a new last row, swapped in place of the old one.
      if (q.cursor !== undefined) return c.html(<><LogRows rows={log.rows} keyNames={keyNames()} /><MoreRow next={log.next} /></>);
      return c.html(<LogTable rows={log.rows} keyNames={keyNames()} next={log.next} />);
    });
}
