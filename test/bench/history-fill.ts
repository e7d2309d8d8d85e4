// Fills a gateway database with a long usage history fast (one generated INSERT ... SELECT, then the real rollup).
import type { Database } from "bun:sqlite";

export interface HistoryShape {
  /** Rows to write. */
  rows: number;
  /** Days they span, ending at `now` (today is a partial day, as on a live gateway). */
  days: number;
  now: number;
  /** API key ids the rows are spread over (a few rows have no key). */
  keyIds: string[];
}

const PROVIDERS = ["openai", "anthropic", "gemini", "deepseek", "groq", "openrouter"];
const MODELS = [
  "gpt-4o",
  "gpt-4o-mini",
  "claude-sonnet-4-5",
  "claude-haiku-4-5",
  "gemini-2.5-pro",
  "gemini-2.5-flash",
  "deepseek-chat",
  "llama-3.3-70b",
  "qwen-3-coder",
  "glm-4.7",
  "o4-mini",
  "kimi-k2",
];

/** A CASE expression picking `list[n % list.length]`. */
function pick(list: string[], n: string): string {
  return `case (${n}) % ${list.length} ${list.map((v, i) => `when ${i} then '${v.replace(/'/g, "''")}'`).join(" ")} end`;
}

/**
 * Writes `rows` usage_log rows in one transaction, oldest first (ids follow time, as a live gateway writes them),
 * spread evenly over the last `days` days: every key, provider and model, 2% errors, 5% cache hits, some rows
 * with no key and some never routed (no provider, no served model). Generated in SQLite (a recursive CTE), so
 * no row crosses into JavaScript: ~10 s per million rows on a shared 2-core machine.
 */
export function fillUsageLog(sqlite: Database, shape: HistoryShape): void {
  const span = shape.days * 86_400_000;
  const start = shape.now - span;
  const keys = [...shape.keyIds, ""]; // '' -> no key
  const step = span / shape.rows;
  sqlite.transaction(() => {
    sqlite.run(
      `insert into usage_log (ts, request_id, key_id, endpoint, provider, connection_id, model_requested, model_served, attempt,
         stream, input_tokens, output_tokens, cache_read_tokens, cost_usd, latency_ms, ttft_ms, status, error_class, cache)
       with recursive n(i) as (select 0 union all select i + 1 from n where i < ${shape.rows - 1})
       select ${start} + cast(i * ${step} as integer), 'h' || i, nullif(${pick(keys, "i")}, ''), '/v1/chat/completions',
         case when i % 97 = 0 then null else ${pick(PROVIDERS, `i / ${keys.length} % ${MODELS.length}`)} end, 'conn-' || (i % 4),
         ${pick(MODELS, `i / ${keys.length}`)}, case when i % 97 = 0 then null else ${pick(MODELS, `i / ${keys.length}`)} end, 1 + (i % 50 = 0),
         i % 3 = 0, 200 + i % 3000, 20 + i % 800, i % 500, (200 + i % 3000) * 0.000003 + (20 + i % 800) * 0.000015,
         300 + i % 5000, case when i % 3 = 0 then 100 + i % 900 end,
         case when i % 50 = 0 then 429 when i % 97 = 0 then 404 else 200 end,
         case when i % 50 = 0 then 'rate_limit' when i % 97 = 0 then 'not_found' end,
         case when i % 20 = 0 then 'hit' when i % 20 = 1 then 'miss' end
       from n`,
    );
  })();
}
