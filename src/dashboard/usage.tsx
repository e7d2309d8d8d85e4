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

async function logPage(services: Services, q: LogQueryParams) {
  const { cursor, ...filter } = q;
  const page = await listUsageLogsFiltered(services.store, { ...filter, before: cursor, limit: LOG_PAGE });
  const next = page.next === null ? null : logQueryString(filter, page.next);
  // Fewer rows than a page but more to look through: the filter matched little among the requests searched so far.
  return { filter, rows: page.rows, next, short: next !== null && page.rows.length < LOG_PAGE };
}

const named = (list: Array<{ id: string; name: string }>) => list.map((x) => ({ id: x.id, name: x.name }));

export function usagePages(services: Services) {
  const keyNames = () => new Map(services.apiKeys.list().map((k) => [k.id, k.name]));
  return new Hono()
    .get("/usage", async (c) => {
      const log = await logPage(services, parseLogQuery(c.req.query()));
      return c.html(
        <UsagePage
          charts={await usageCharts(services, parseRange(c.req.query("range")))}
          filter={log.filter}
          rows={log.rows}
          next={log.next}
          short={log.short}
          providers={named(services.providers.all())}
          keys={named(services.apiKeys.list())}
          defaultPassword={services.password.isDefault()}
        />,
      );
    })
    .get("/partials/usage/charts", async (c) =>
      c.html(<UsageChartsPanel d={await usageCharts(services, parseRange(c.req.query("range")))} />),
    )
    .get("/partials/usage/logs", async (c) => {
      const q = parseLogQuery(c.req.query());
      const log = await logPage(services, q);
      // A cursor means "Load more": only the next rows and a new last row, swapped in place of the old one.
      if (q.cursor !== undefined)
        return c.html(
          <>
            <LogRows rows={log.rows} keyNames={keyNames()} />
            <MoreRow next={log.next} short={log.short} />
          </>,
        );
      return c.html(<LogTable rows={log.rows} keyNames={keyNames()} next={log.next} short={log.short} />);
    });
}
