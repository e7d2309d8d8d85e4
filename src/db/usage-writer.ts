// The hot-path writer of usage rows: group commit over a bun:sqlite statement prepared once, or one multi-row insert per commit on PostgreSQL.
import { dirname } from "node:path";
import { createGroupCommit, type GroupCommitOptions, type RowWriter, type RowWriterStatus } from "./group-commit.ts";
import type { NewUsageRow } from "./queries/usage.ts";
import type { PostgresStore, SqliteStore, Store } from "./store.ts";

/** The hot-path writer of usage rows (see createUsageWriter). */
export type UsageWriter = RowWriter<NewUsageRow>;
export type UsageWriterStatus = RowWriterStatus;

/**
 * Group commit: the rows of requests that finish in the same turn of the event loop (on PostgreSQL, also those that
 * finish while the last commit is under way) go in one transaction. Callers await `written()` before the client sees
 * the end of its answer, so a killed process loses no row of a completed request, while a busy gateway pays one
 * commit for many rows instead of one each. Rows the database cannot take (a full disk, PostgreSQL unreachable) are
 * held in memory, bounded, retried every second and written when it takes them again; status() says so meanwhile.
 */
export function createUsageWriter(store: Store, opts: Partial<GroupCommitOptions> = {}): UsageWriter {
  if (store.dialect === "sqlite") {
    return createGroupCommit(sqliteCommit(store), { what: "usage rows", where: dirname(store.sqlite.$client.filename), ...opts });
  }
  return createGroupCommit(postgresCommit(store), { what: "usage rows", where: store.where, stallMs: PG_STALL_MS, ...opts });
}

/**
 * SQLite: plain bun:sqlite, a statement prepared once and one transaction per commit (building the statement
 * through drizzle per row cost twice as much).
 */
function sqliteCommit(store: SqliteStore): (rows: NewUsageRow[]) => void | Promise<void> {
  const db = store.sqlite;
  const stmt = db.$client.prepare(
    `insert into usage_log (ts, request_id, key_id, endpoint, provider, connection_id, model_requested, model_served, combo,
       attempt, stream, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd,
       latency_ms, ttft_ms, status, error_class, cache)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const run = (r: NewUsageRow) =>
    stmt.run(
      r.ts,
      r.requestId,
      r.keyId ?? null,
      r.endpoint,
      r.provider ?? null,
      r.connectionId ?? null,
      r.modelRequested,
      r.modelServed ?? null,
      r.combo ?? null,
      r.attempt ?? 1,
      r.stream ? 1 : 0,
      r.inputTokens ?? 0,
      r.outputTokens ?? 0,
      r.cacheReadTokens ?? 0,
      r.cacheWriteTokens ?? 0,
      r.reasoningTokens ?? 0,
      r.costUsd ?? 0,
      r.latencyMs ?? 0,
      r.ttftMs ?? null,
      r.status,
      r.errorClass ?? null,
      r.cache ?? null,
    );
  const transaction = db.$client.transaction((rows: NewUsageRow[]) => {
    for (const r of rows) run(r);
  });
  const write = (rows: NewUsageRow[]) => {
    if (rows.length === 1) run(rows[0]!);
    else transaction(rows);
  };
  // A store transaction is open on the one connection (awaiting between its statements): these rows wait for it
  // to end rather than commit or roll back with it.
  const commit = (rows: NewUsageRow[]): void | Promise<void> =>
    db.$client.inTransaction ? store.settled().then(() => commit(rows)) : write(rows);
  return commit;
}

/**
 * How long an answer's end waits for its row's commit on PostgreSQL before the database counts as unreachable (a
 * partition answers nothing and closes nothing): past it the client is served, and later rows are held until it answers.
 */
export const PG_STALL_MS = 3_000;

/** Rows per insert statement: 22 columns each, under PostgreSQL's 65,535 parameters a statement. */
const PG_ROWS_PER_INSERT = 2_000;

/** PostgreSQL: one multi-row insert per commit (one round trip), in one transaction when a commit holds more rows than a statement takes. */
function postgresCommit(store: PostgresStore): (rows: NewUsageRow[]) => Promise<void> {
  const insert = async (s: Store, rows: NewUsageRow[]) => {
    await s.db.insert(s.t.usageLog).values(rows.map(complete));
  };
  return async (rows) => {
    if (rows.length <= PG_ROWS_PER_INSERT) return insert(store, rows);
    await store.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += PG_ROWS_PER_INSERT) await insert(tx, rows.slice(i, i + PG_ROWS_PER_INSERT));
    });
  };
}

/** Every column given (nulls and defaults spelled out), so each row of a multi-row insert binds the same parameters. */
function complete(r: NewUsageRow): NewUsageRow {
  return {
    ts: r.ts,
    requestId: r.requestId,
    keyId: r.keyId ?? null,
    endpoint: r.endpoint,
    provider: r.provider ?? null,
    connectionId: r.connectionId ?? null,
    modelRequested: r.modelRequested,
    modelServed: r.modelServed ?? null,
    combo: r.combo ?? null,
    attempt: r.attempt ?? 1,
    stream: r.stream ?? false,
    inputTokens: r.inputTokens ?? 0,
    outputTokens: r.outputTokens ?? 0,
    cacheReadTokens: r.cacheReadTokens ?? 0,
    cacheWriteTokens: r.cacheWriteTokens ?? 0,
    reasoningTokens: r.reasoningTokens ?? 0,
    costUsd: r.costUsd ?? 0,
    latencyMs: r.latencyMs ?? 0,
    ttftMs: r.ttftMs ?? null,
    status: r.status,
    errorClass: r.errorClass ?? null,
    cache: r.cache ?? null,
  };
}
