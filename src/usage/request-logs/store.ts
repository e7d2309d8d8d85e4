// The request log (ENABLE_REQUEST_LOGS): full bodies in their own SQLite file, batched off the hot path, aged out and size-capped.
import { Database } from "bun:sqlite";
import { ensurePrivateFile } from "../../db/private-file.ts";

export interface RequestLogEntry {
  /** The same id as usage_log.request_id and the x-omniroute-request-id header. */
  requestId: string;
  ts: number;
  endpoint: string;
  model: string;
  status: number;
  /** Redacted request headers. */
  requestHeaders: Record<string, string>;
  /** Redacted and capped texts. */
  requestBody: string;
  responseBody: string;
}

export interface RequestLogStore {
  /** Queue an entry; it is written within flushMs, or at once when a batch is full. */
  add(entry: RequestLogEntry): void;
  /** Write what is queued now. */
  flush(): void;
  /** The newest entry with this request id (queued ones included). */
  get(requestId: string): RequestLogEntry | undefined;
  /**
   * Delete entries past maxAgeMs, then the oldest ones while the total is over maxTotalBytes. Returns how many went.
   * Runs with a flush at most once a minute (and at once over the cap): an idle gateway prunes at its next request.
   */
  prune(now?: number): number;
  close(): void;
}

export interface RequestLogOptions {
  maxAgeMs?: number;
  maxTotalBytes?: number;
  flushMs?: number;
  onError?: (err: unknown) => void;
}

export const REQUEST_LOG_FILENAME = "request-logs.sqlite";
/** Each body is cut to this many bytes. */
export const MAX_BODY_BYTES = 256 * 1024;
const DEFAULT_MAX_AGE_MS = 7 * 86_400_000;
const DEFAULT_MAX_TOTAL_BYTES = 200 * 1024 * 1024;
/** A batch is written at once when this many entries wait (a failed batch is dropped, so the queue stays this small). */
const BATCH = 100;
const PRUNE_EVERY_MS = 60_000;

const SCHEMA = `
  create table if not exists request_logs (
    id integer primary key autoincrement,
    request_id text not null,
    ts integer not null,
    endpoint text not null,
    model text not null,
    status integer not null,
    request_headers text not null,
    request_body text not null,
    response_body text not null,
    bytes integer not null
  );
  create index if not exists request_logs_request_id_idx on request_logs (request_id);
  create index if not exists request_logs_ts_idx on request_logs (ts);`;

interface Row {
  request_id: string;
  ts: number;
  endpoint: string;
  model: string;
  status: number;
  request_headers: string;
  request_body: string;
  response_body: string;
}

/** Diagnostics, not accounting: entries still queued (at most flushMs' worth) are lost on a hard kill. */
export function openRequestLogStore(path: string, opts: RequestLogOptions = {}): RequestLogStore {
  const { maxAgeMs = DEFAULT_MAX_AGE_MS, maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES, flushMs = 1_000, onError = () => {} } = opts;
  ensurePrivateFile(path);
  const db = new Database(path, { create: true, strict: true });
  // Before the first table exists, so deleted rows give their pages back to the disk (incremental_vacuum).
  db.exec("PRAGMA auto_vacuum = INCREMENTAL");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec(SCHEMA);

  let total = (db.query("select coalesce(sum(bytes), 0) as n from request_logs").get() as { n: number }).n;
  const insert = db.prepare(
    `insert into request_logs (request_id, ts, endpoint, model, status, request_headers, request_body, response_body, bytes)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const writeBatch = db.transaction((entries: RequestLogEntry[]) => {
    for (const e of entries) {
      const headers = JSON.stringify(e.requestHeaders);
      const bytes = Buffer.byteLength(e.requestBody) + Buffer.byteLength(e.responseBody) + Buffer.byteLength(headers);
      insert.run(e.requestId, e.ts, e.endpoint, e.model, e.status, headers, e.requestBody, e.responseBody, bytes);
      total += bytes;
    }
  });

  let queue: RequestLogEntry[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastPrune = 0;
  let closed = false;

  function flush() {
    clearTimeout(timer);
    timer = undefined;
    if (closed || queue.length === 0) return;
    const batch = queue;
    queue = [];
    writeBatch(batch);
    const now = Date.now();
    if (total > maxTotalBytes || now - lastPrune >= PRUNE_EVERY_MS) prune(now);
  }

  function safeFlush() {
    try {
      flush();
    } catch (err) {
      onError(err);
    }
  }

  function prune(now = Date.now()): number {
    if (closed) return 0;
    lastPrune = now;
    let removed = 0;
    const expired = db.query("delete from request_logs where ts < ? returning bytes").all(now - maxAgeMs) as Array<{ bytes: number }>;
    removed += expired.length;
    for (const r of expired) total -= r.bytes;
    // Over the cap: drop the oldest until 90% of it is left, so the next entries do not each trigger a delete.
    if (total > maxTotalBytes) {
      const gone = db
        .query(
          `delete from request_logs where id <= (
             select max(id) from (select id, sum(bytes) over (order by id desc) as newer from request_logs) where newer > ?
           ) returning bytes`,
        )
        .all(Math.floor(maxTotalBytes * 0.9)) as Array<{ bytes: number }>;
      removed += gone.length;
      for (const r of gone) total -= r.bytes;
    }
    if (removed > 0) db.exec("PRAGMA incremental_vacuum");
    return removed;
  }

  const toEntry = (r: Row): RequestLogEntry => ({
    requestId: r.request_id,
    ts: r.ts,
    endpoint: r.endpoint,
    model: r.model,
    status: r.status,
    requestHeaders: JSON.parse(r.request_headers) as Record<string, string>,
    requestBody: r.request_body,
    responseBody: r.response_body,
  });

  return {
    add(entry) {
      if (closed) return;
      queue.push(entry);
      if (queue.length >= BATCH) return safeFlush();
      if (!timer) {
        timer = setTimeout(safeFlush, flushMs);
        timer.unref();
      }
    },
    flush,
    get(requestId) {
      const queued = queue.findLast((e) => e.requestId === requestId);
      if (queued || closed) return queued;
      const row = db.query("select * from request_logs where request_id = ? order by id desc limit 1").get(requestId) as Row | null;
      return row ? toEntry(row) : undefined;
    },
    prune,
    close() {
      if (closed) return;
      safeFlush();
      closed = true;
      db.close();
    },
  };
}
