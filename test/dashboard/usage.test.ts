// The Usage page: server-drawn charts per range, the request log filtered and paged in SQL, and its speed with 100k rows.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ApiKeyRow } from "../../src/db/queries/api-keys.ts";
import { LOG_SCAN_IDS } from "../../src/db/queries/usage-series.ts";
import { fillUsageLog } from "../bench/history-fill.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { sqliteOf } from "../support/sqlite-of.ts";

let gw: TestGateway;
let cookie: string;
let laptop: ApiKeyRow;
let ci: ApiKeyRow;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** The rows 2-4 hours back must fall on one UTC day: in the first hours of a day, the data is placed an hour before it began. */
const NOW = (() => {
  const now = Date.now();
  const intoDay = now % DAY;
  return intoDay >= 5 * HOUR ? now : now - intoDay - HOUR;
})();

interface Row {
  ts: number;
  keyId?: string | null;
  provider?: string | null;
  requested?: string;
  served?: string | null;
  input?: number;
  output?: number;
  cost?: number;
  status?: number;
  cache?: "hit" | "miss" | null;
  ttft?: number | null;
  errorClass?: string | null;
}

let seq = 0;
function insert(rows: Row[]) {
  const stmt = sqliteOf(gw.services.store).$client.prepare(
    `insert into usage_log (ts, request_id, key_id, endpoint, provider, model_requested, model_served, input_tokens, output_tokens,
       cost_usd, latency_ms, ttft_ms, status, error_class, cache) values (?, ?, ?, '/v1/chat/completions', ?, ?, ?, ?, ?, ?, 900, ?, ?, ?, ?)`,
  );
  sqliteOf(gw.services.store).$client.transaction(() => {
    for (const r of rows) {
      stmt.run(
        r.ts,
        `req-${++seq}`,
        r.keyId ?? null,
        r.provider === undefined ? "openai" : r.provider,
        r.requested ?? "gpt-4o",
        r.served === undefined ? "gpt-4o-2024-08-06" : r.served,
        r.input ?? 100,
        r.output ?? 20,
        r.cost ?? 0.01,
        r.ttft === undefined ? 150 : r.ttft,
        r.status ?? 200,
        r.errorClass ?? null,
        r.cache ?? null,
      );
    }
  })();
}

const get = (path: string) => fetch(`${gw.url}${path}`, { headers: { cookie } });
const rowsOf = (html: string) => (html.match(/<time datetime=/g) ?? []).length;

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
  laptop = (await gw.services.apiKeys.create("laptop", [])).row;
  ci = (await gw.services.apiKeys.create("ci <runner>", [])).row;
  // Oldest first, as a running gateway writes them (the log is newest first by id).
  insert([
    {
      ts: NOW - 20 * DAY,
      keyId: null,
      provider: null,
      requested: "<img src=x onerror=alert(1)>",
      served: null,
      status: 404,
      errorClass: "not_found",
      cost: 0,
    },
    { ts: NOW - 3 * DAY, keyId: laptop.id, provider: "gemini", requested: "gemini-2.5-pro", served: null, cost: 0.25 },
    { ts: NOW - 4 * HOUR, keyId: ci.id, provider: "openai", cache: "hit", cost: 0 },
    { ts: NOW - 3 * HOUR, keyId: ci.id, provider: "openai", status: 502, errorClass: "upstream_error", ttft: null, cost: 0 },
    {
      ts: NOW - 2 * HOUR,
      keyId: laptop.id,
      provider: "anthropic",
      requested: "sonnet",
      served: "claude-sonnet-4-5",
      input: 1000,
      output: 500,
      cost: 0.5,
    },
  ]);
});
afterAll(() => gw.close());

describe("charts", () => {
  test("the page has a title, the range select and three time series drawn as labelled SVG", async () => {
    const res = await get("/dashboard/usage");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>Usage · OmniRoute</title>");
    expect(html).toContain('<select id="f-range" name="range" hx-get="/dashboard/partials/usage/charts"');
    expect(html).toContain('hx-include="closest form"');
    // Default: the last 7 days, one column per day; 4 requests fall in it (the 20-day-old one does not).
    // The three rows of the last hours share a UTC day unless the test runs between 00:00 and 04:00 UTC.
    const perDay = new Map<string, number>();
    for (const ts of [NOW - 3 * DAY, NOW - 4 * HOUR, NOW - 3 * HOUR, NOW - 2 * HOUR]) {
      const day = new Date(ts).toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const busiest = Math.max(...perDay.values());
    expect(html).toMatch(
      new RegExp(
        `role="img" aria-label="Requests per day, last 7 days \\(UTC\\): 4 in total, 1 failed; highest \\d{4}-\\d\\d-\\d\\d UTC with ${busiest}\\."`,
      ),
    );
    expect(html).toContain("<title>Requests per day, last 7 days</title>");
    expect(html).toContain('aria-label="Tokens per day, last 7 days (UTC): 1,300 input and 560 output');
    expect(html).toContain('aria-label="Cost per day, last 7 days (UTC): $0.75 in total');
    expect(html).toContain("<summary>Numbers</summary>");
    expect(html.match(/<svg class="chart"/g)?.length).toBe(6);
    // The numbers table has every day, today included.
    expect(html).toContain(`<th scope="row">${new Date(NOW).toISOString().slice(0, 10)}</th>`);
  });

  test("breakdowns by provider, model and key name the groups, with missing ones muted", async () => {
    const html = await (await get("/dashboard/partials/usage/charts?range=30d")).text();
    expect(html).toContain("Requests per day, last 30 days");
    expect(html).toContain("By provider");
    expect(html).toContain('<th scope="row">(not routed)</th>');
    expect(html).toContain('<th scope="row">claude-sonnet-4-5</th>');
    expect(html).toContain('<th scope="row">gemini-2.5-pro</th>');
    expect(html).toContain('<th scope="row">ci &lt;runner&gt;</th>');
    expect(html).toContain('<th scope="row">(no key)</th>');
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  test("24h is per hour; 90d has 90 columns", async () => {
    const day = await (await get("/dashboard/partials/usage/charts?range=24h")).text();
    expect(day).toContain("Requests per hour, last 24 hours (UTC): 3 in total, 1 failed");
    expect(day).toContain("Hour (UTC)");
    const quarter = await (await get("/dashboard/partials/usage/charts?range=90d")).text();
    expect(quarter).toContain("5 in total, 2 failed");
    const table = quarter.slice(quarter.indexOf("Day (UTC)"), quarter.indexOf("</table>", quarter.indexOf("Day (UTC)")));
    expect(table.match(/<th scope="row">/g)?.length).toBe(90);
  });

  test("an unknown range falls back to 7 days", async () => {
    const html = await (await get("/dashboard/partials/usage/charts?range=1y")).text();
    expect(html).toContain("last 7 days");
  });

  test("top 10 and the rest as other", async () => {
    insert(
      Array.from({ length: 12 }, (_, i) => ({
        ts: NOW - HOUR,
        provider: `p${String(i).padStart(2, "0")}`,
        requested: `m${i}`,
        served: null,
      })),
    );
    const html = await (await get("/dashboard/partials/usage/charts?range=24h")).text();
    expect(html).toContain('<th scope="row">other (4)</th>');
    sqliteOf(gw.services.store).$client.run("delete from usage_log where provider like 'p%' and provider != 'openai'");
  });
});

describe("request log", () => {
  test("newest first with every column, requested -> served, names escaped", async () => {
    const page = await (await get("/dashboard/usage")).text();
    const html = page.slice(page.indexOf('id="request-log"'));
    for (const col of [
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
    ])
      expect(html).toContain(`<th scope="col">${col}</th>`);
    expect(html).toContain("sonnet → claude-sonnet-4-5");
    expect(html).toContain("ci &lt;runner&gt;");
    expect(html).toContain("upstream_error");
    expect(html.indexOf("sonnet → claude-sonnet-4-5")).toBeLessThan(html.indexOf("gemini-2.5-pro"));
    expect(html.indexOf("gemini-2.5-pro")).toBeLessThan(html.indexOf("&lt;img src=x"));
    expect(html).toContain("End of the log.");
  });

  test("each filter is applied", async () => {
    const q = async (query: string) => (await get(`/dashboard/partials/usage/logs?${query}`)).text();
    expect(rowsOf(await q("provider=anthropic"))).toBe(1);
    expect(rowsOf(await q("model=SONNET"))).toBe(1);
    expect(rowsOf(await q("model=2024-08"))).toBe(2); // the served name matches too
    expect(rowsOf(await q("model=%25"))).toBe(0); // "%" is a character, not a wildcard
    expect(rowsOf(await q(`key=${ci.id}`))).toBe(2);
    expect(rowsOf(await q("status=errors"))).toBe(2);
    expect(rowsOf(await q("status=ok"))).toBe(3);
    expect(rowsOf(await q("cache=hit"))).toBe(1);
    expect(rowsOf(await q(`key=${ci.id}&status=ok&cache=hit`))).toBe(1);
    const none = await q("provider=nobody");
    expect(none).toContain("No requests match these filters.");
  });

  test("the full page applies the same filters (works without JS)", async () => {
    const html = await (await get(`/dashboard/usage?key=${laptop.id}&status=ok`)).text();
    expect(rowsOf(html)).toBe(2);
    expect(html).toContain(`<option value="${laptop.id}" selected="">laptop</option>`);
  });

  test("Load more appends the next page after the cursor, keeping the filters", async () => {
    insert(
      Array.from({ length: 120 }, (_, i) => ({ ts: NOW - 10 * DAY + i * 1000, provider: "groq", requested: `page-${i}`, served: null })),
    );
    const first = await (await get("/dashboard/partials/usage/logs?provider=groq")).text();
    expect(rowsOf(first)).toBe(50);
    const next = first.match(/hx-get="\/dashboard\/partials\/usage\/logs\?([^"]+)"/)![1]!.replaceAll("&amp;", "&");
    expect(next).toContain("provider=groq");
    expect(next).toContain("cursor=");
    const second = await (await get(`/dashboard/partials/usage/logs?${next}`)).text();
    // Only rows and a new last row: they replace the old last row (hx-target #usage-log-more, outerHTML).
    expect(second.startsWith("<tr>")).toBe(true);
    expect(second).not.toContain("<table");
    expect(second).toContain('<tr id="usage-log-more">');
    expect(rowsOf(second)).toBe(50);
    expect(first).toContain(">page-119<");
    expect(first).toContain(">page-70<");
    expect(second).toContain(">page-69<");
    expect(second).not.toContain(">page-70<");
    const third = await (
      await get(`/dashboard/partials/usage/logs?${second.match(/logs\?([^"]+)"/)![1]!.replaceAll("&amp;", "&")}`)
    ).text();
    expect(rowsOf(third)).toBe(20);
    expect(third).toContain("End of the log.");
  });

  test("a malformed cursor is a 400", async () => {
    const res = await get("/dashboard/partials/usage/logs?cursor=abc");
    expect(res.status).toBe(400);
  });
});

describe("history", () => {
  test("totals stay the same once rows are rolled up into days and old raw rows pruned", async () => {
    // Runs after the log tests: pruning deletes the old raw rows they read.
    const before = await (await get("/dashboard/partials/usage/charts?range=30d")).text();
    await gw.services.settings.update({ usageRetentionDays: 1 });
    const { pruned } = await gw.services.usageHistory.maintain();
    expect(pruned).toBeGreaterThan(0);
    const after = await (await get("/dashboard/partials/usage/charts?range=30d")).text();
    expect(after).toContain("125 in total, 2 failed");
    expect(after).toBe(before);
    await gw.services.settings.update({ usageRetentionDays: 90 });
  });
});

describe("with 100k usage rows", () => {
  let big: TestGateway;
  let bigCookie: string;
  let keyId: string;

  beforeAll(async () => {
    big = await startGateway();
    bigCookie = await big.login();
    keyId = (await big.services.apiKeys.create("busy", [])).row.id;
    const other = (await big.services.apiKeys.create("rare", [])).row.id;
    const stmt = sqliteOf(big.services.store).$client.prepare(
      `insert into usage_log (ts, request_id, key_id, endpoint, provider, model_requested, model_served, input_tokens, output_tokens,
         cost_usd, latency_ms, ttft_ms, status, cache) values (?, ?, ?, '/v1/chat/completions', ?, ?, ?, 1200, 300, 0.002, 800, 120, ?, ?)`,
    );
    const N = 100_000;
    const span = 30 * DAY;
    sqliteOf(big.services.store).$client.transaction(() => {
      for (let i = 0; i < N; i++) {
        stmt.run(
          NOW - span + Math.floor((i / N) * span),
          `r${i}`,
          i % 50 === 0 ? other : keyId,
          `provider-${i % 12}`,
          `model-${i % 40}`,
          i % 3 ? `model-${i % 40}-v2` : null,
          i % 20 === 0 ? 500 : 200,
          i % 10 === 0 ? "hit" : null,
        );
      }
    })();
    // What the minute job does in a running gateway: fold the rows into daily totals.
    await big.services.usageHistory.maintain();
    // A minute's worth not rolled up yet.
    sqliteOf(big.services.store).$client.transaction(() => {
      for (let i = 0; i < 200; i++) stmt.run(NOW - i * 300, `t${i}`, keyId, "provider-0", "model-0", null, 200, null);
    })();
  });
  afterAll(() => big.close());

  /**
   * Server time of a GET after a warm-up call of the same URL: the best of five, so a busy machine's
   * scheduling noise does not fail the test while a slow query (which is slow every time) still does.
   */
  async function timed(path: string): Promise<{ ms: number; html: string }> {
    const request = () => big.app.request(path, { headers: { cookie: bigCookie } });
    await (await request()).text();
    let best = Number.POSITIVE_INFINITY;
    let html = "";
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const res = await request();
      html = await res.text();
      best = Math.min(best, performance.now() - start);
      expect(res.status).toBe(200);
    }
    if (process.env.SHOW_TIMINGS) console.log(path, best.toFixed(1), "ms");
    return { ms: best, html };
  }

  test("the page renders in < 50 ms for every range", async () => {
    for (const range of ["24h", "7d", "30d", "90d"]) {
      const { ms, html } = await timed(`/dashboard/usage?range=${range}`);
      expect(rowsOf(html)).toBe(50);
      if (range === "90d") expect(html).toContain("100,200 in total");
      expect(ms).toBeLessThan(50);
    }
  });

  test("filtered logs render in < 50 ms, even when few or no rows match", async () => {
    for (const query of [
      "provider=provider-4&status=errors",
      "model=model-7-v",
      `key=${keyId}&cache=hit`,
      "provider=nobody",
      "model=no-such-model",
      "status=errors&cache=hit",
    ]) {
      const { ms } = await timed(`/dashboard/usage?${query}`);
      expect(ms).toBeLessThan(50);
    }
    const { ms, html } = await timed("/dashboard/partials/usage/logs?provider=provider-4&status=errors");
    expect(rowsOf(html)).toBe(50);
    expect(ms).toBeLessThan(50);
  });
});

describe("a log longer than one page's search window", () => {
  test("a filter matching only old rows says so and offers to search older requests, which finds them", async () => {
    const long = await startGateway();
    try {
      const longCookie = await long.login();
      const sqlite = sqliteOf(long.services.store).$client;
      sqlite.run(
        `insert into usage_log (ts, request_id, endpoint, provider, model_requested, status) values (?, 'old-one', '/v1/chat/completions', 'rare-provider', 'gpt-4o', 200)`,
        [NOW - 60 * DAY],
      );
      fillUsageLog(sqlite, { rows: LOG_SCAN_IDS + 1_000, days: 30, now: NOW, keyIds: ["k"] });
      const page = await (await long.app.request("/dashboard/usage?provider=rare-provider", { headers: { cookie: longCookie } })).text();
      expect(rowsOf(page)).toBe(0);
      expect(page).toContain("No match among the most recent requests.");
      const more = /hx-get="(\/dashboard\/partials\/usage\/logs\?[^"]+)"[^>]*>\s*Search older requests/.exec(page);
      expect(more).not.toBeNull();
      const older = await (await long.app.request(more![1]!.replaceAll("&amp;", "&"), { headers: { cookie: longCookie } })).text();
      expect(rowsOf(older)).toBe(1);
      expect(older).toContain("rare-provider");
      expect(older).toContain("End of the log.");
    } finally {
      await long.close();
    }
  });
});
