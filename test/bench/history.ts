// The "history" scenario: a gateway over 10M usage rows; every usage, cost and budget view timed, and the proxy's latency while one runs.
import { sqliteStore } from "../../src/db/store.ts";
import { closeDatabase, DB_FILENAME, openDatabase } from "../../src/db/client.ts";
import { rollupUsageBatch } from "../../src/db/queries/usage-history.ts";
import { join } from "node:path";
import { fillUsageLog } from "./history-fill.ts";
import { timeRequest, type Endpoint } from "./load.ts";
import { BENCH_PASSWORD, startGateway, stopChild, tempDir } from "./procs.ts";
import { median, percentile, type Row } from "./report.ts";
import { connectGateway } from "./scenarios.ts";

const DAY = 86_400_000;
const VIEW_TARGET = { on: "gateway" as const, atMost: 100, label: "< 100 ms" };

export interface HistoryOptions {
  rows: number;
  upstreamUrl: string;
  floorUrl: string;
  log: (m: string) => void;
  waitHealthy: (url: string) => Promise<void>;
}

/** Every view that reads usage, cost or budgets: API and dashboard, pages and partials. */
function views(keyId: string, now: number): string[] {
  const from = now - 30 * DAY - 5 * 3_600_000 - 1234; // mid-day to mid-day: partial first and last day
  const to = now - 2 * DAY + 3 * 3_600_000;
  return [
    ...["provider", "model", "key", "day"].map((g) => `/api/usage?groupBy=${g}`),
    ...["provider", "model", "key", "day"].map((g) => `/api/usage?groupBy=${g}&from=${from}&to=${to}`),
    "/api/usage/logs?limit=50",
    "/api/usage/logs?limit=50&cursor=5000000",
    "/api/usage/budget",
    "/dashboard",
    ...["24h", "7d", "30d", "90d"].map((r) => `/dashboard/usage?range=${r}`),
    "/dashboard/partials/usage/charts?range=90d",
    `/dashboard/partials/usage/logs?key=${keyId}&status=errors`,
    "/dashboard/partials/usage/logs?provider=nobody",
    "/dashboard/costs",
    "/dashboard/partials/costs/budget-form",
  ];
}

async function timeGet(url: string, cookie: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return performance.now() - t0;
}

/** Keys and budgets made through the API on an empty data dir; returns the key ids the history is spread over. */
async function prepare(dataDir: string, o: HistoryOptions): Promise<string[]> {
  const gw = await startGateway(dataDir, { via: "bundle" });
  await o.waitHealthy(gw.url);
  const ctx = await connectGateway(gw.url, o.upstreamUrl, o.floorUrl, BENCH_PASSWORD);
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push(((await ctx.manage("POST", "/api/keys", { name: `team-${i}` })) as { id: string }).id);
  await ctx.manage("POST", "/api/usage/budget", { keyId: ids[0], limit: 100_000, period: "monthly" });
  await ctx.manage("POST", "/api/usage/budget", { keyId: ids[1], limit: 100_000, period: "daily" });
  await stopChild(gw.child, 5000);
  return ids;
}

export async function historyRows(o: HistoryOptions): Promise<Row[]> {
  const scenario = `History (${(o.rows / 1e6).toLocaleString("en-US")}M usage rows over 90 days)`;
  const dataDir = tempDir("omniroute-bench-history-");
  const keyIds = await prepare(dataDir, o);

  o.log(`history: writing ${o.rows.toLocaleString("en-US")} usage rows`);
  const now = Date.now();
  let t0 = performance.now();
  const db = await openDatabase(join(dataDir, DB_FILENAME));
  const recent = Math.min(2_000, Math.floor(o.rows / 10));
  fillUsageLog(db.$client, { rows: o.rows - recent, days: 90, now: now - 10 * 60_000, keyIds });
  const fillMs = performance.now() - t0;
  t0 = performance.now();
  while (!(await rollupUsageBatch(sqliteStore(db), 2_000_000)).done) {
    /* all of it, as the minute job would over time */
  }
  const rollupMs = performance.now() - t0;
  // The last ten minutes, not rolled up yet (the minute job has not run).
  fillUsageLog(db.$client, { rows: recent, days: 10 / 1440, now, keyIds });
  closeDatabase(db);

  const gw = await startGateway(dataDir, { via: "bundle" });
  await o.waitHealthy(gw.url);
  const ctx = await connectGateway(gw.url, o.upstreamUrl, o.floorUrl, BENCH_PASSWORD);
  const rows: Row[] = [
    {
      scenario,
      measure: "filling the history (generated INSERT ... SELECT in one transaction) / rolling it up",
      gateway: fillMs / 1000,
      unit: "s",
      digits: 1,
      target: null,
      note: `rollup ${(rollupMs / 1000).toFixed(1)} s`,
    },
    { scenario, measure: 'gateway start on it, to "listening"', gateway: gw.listeningMs, unit: "ms", digits: 0, target: null },
  ];

  o.log("history: timing every view");
  let heaviest = { path: "", ms: 0 };
  for (const path of views(keyIds[2]!, now)) {
    const url = `${gw.url}${path}`;
    await timeGet(url, ctx.cookie);
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) samples.push(await timeGet(url, ctx.cookie));
    const ms = median(samples);
    if (ms > heaviest.ms) heaviest = { path, ms };
    rows.push({
      scenario,
      measure: `GET ${path.replace(keyIds[2]!, "<key>")}`,
      gateway: ms,
      unit: "ms",
      digits: 1,
      target: VIEW_TARGET,
      note: `median of 5; max ${Math.max(...samples).toFixed(1)} ms`,
    });
  }

  o.log(`history: proxy latency alone, then while ${heaviest.path} runs in a loop`);
  const chat: Endpoint = {
    url: `${gw.url}/v1/chat/completions`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi bench:text20" }], max_tokens: 16 }),
    stream: false,
  };
  const proxied = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await timeRequest(chat));
    return out;
  };
  await proxied(200);
  const alone = await proxied(1000);
  let viewing = true;
  let viewsRun = 0;
  const viewer = (async () => {
    while (viewing) {
      await timeGet(`${gw.url}${heaviest.path}`, ctx.cookie);
      viewsRun++;
    }
  })();
  const during = await proxied(1000);
  viewing = false;
  await viewer;
  rows.push(
    {
      scenario,
      measure: "proxied non-stream call p99, c=1, alone (n=1000)",
      gateway: percentile(alone, 99),
      unit: "ms",
      digits: 3,
      target: null,
      note: `p50 ${percentile(alone, 50).toFixed(3)} ms, max ${Math.max(...alone).toFixed(1)} ms`,
    },
    {
      scenario,
      measure: `proxied non-stream call p99, c=1, while the heaviest view runs back to back (n=1000)`,
      gateway: percentile(during, 99),
      unit: "ms",
      digits: 3,
      // bun:sqlite answers on the event loop: a call that arrives during a view waits for it, so at most one view's time.
      target: {
        on: "gateway",
        atMost: percentile(alone, 99) + heaviest.ms,
        label: `≤ p99 alone + one view (${heaviest.ms.toFixed(0)} ms)`,
      },
      note: `${heaviest.path}, ${viewsRun} times meanwhile; p50 ${percentile(during, 50).toFixed(3)} ms, max ${Math.max(...during).toFixed(1)} ms`,
    },
  );
  await stopChild(gw.child, 5000);
  return rows;
}
