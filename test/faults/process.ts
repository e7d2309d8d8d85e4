// Faults of the process itself: kill -9 under load (no row of a completed request may be lost), SIGTERM with
// streams in flight (they finish, rows are written, exit 0), and SIGTERM past SHUTDOWN_TIMEOUT_MS.
import { tempDir } from "../bench/procs.ts";
import {
  FORMATS,
  connectUpstreams,
  pool,
  readDatabase,
  startGatewayProcess,
  streamEnd,
  streamRequest,
  type StreamEnd,
  type Upstreams,
} from "./rig.ts";

export interface KillRounds {
  rounds: number;
  completed: number;
  lost: number;
  integrity: string[];
}

/** `rounds` times: load for a moment, kill -9, then count completed requests whose row is not in the file. */
export async function killNineRounds(up: Omit<Upstreams, "model">, rounds: number, loadMs: number): Promise<KillRounds> {
  const dataDir = tempDir("omniroute-faults-kill-");
  const out: KillRounds = { rounds, completed: 0, lost: 0, integrity: [] };
  let connected: Upstreams | undefined;
  for (let round = 0; round < rounds; round++) {
    const gw = await startGatewayProcess(dataDir);
    connected ??= await connectUpstreams(gw, up);
    for (const f of FORMATS)
      up.fakes[f].setScenario({ kind: "text", text: "an answer in four pieces", chunks: 4, usage: { input: 9, output: 4 } });
    const completed: string[] = [];
    const until = performance.now() + loadMs * (0.5 + Math.random());
    let n = 0;
    await pool(Array.from({ length: 16 }), 16, async () => {
      while (performance.now() < until) {
        const i = n++;
        const client = FORMATS[i % 4]!;
        const stream = i % 3 !== 0;
        const req = stream
          ? streamRequest(gw.url, client, connected!.model[FORMATS[(i >> 2) % 4]!])
          : {
              url: `${gw.url}/v1/chat/completions`,
              body: JSON.stringify({ model: connected!.model[FORMATS[(i >> 2) % 4]!], messages: [{ role: "user", content: "hi" }] }),
            };
        try {
          const res = await fetch(req.url, { method: "POST", headers: { "content-type": "application/json" }, body: req.body });
          const text = await res.text();
          const done = res.status === 200 && (!stream || streamEnd(client, text) === "completed");
          const id = res.headers.get("x-omniroute-request-id");
          if (done && id) completed.push(id);
        } catch {
          return; // the process is gone
        }
      }
    });
    gw.child.kill("SIGKILL");
    await gw.child.exited;
    const db = readDatabase(dataDir);
    out.completed += completed.length;
    out.lost += completed.filter((id) => !db.requestIds.has(id)).length;
    out.integrity.push(db.integrity);
  }
  return out;
}

export interface Drain {
  streams: number;
  ends: Record<StreamEnd, number>;
  exitCode: number | null;
  rows: number;
  /** Rows of those streams by status/errorClass. */
  rowOutcomes: Record<string, number>;
  tookMs: number;
}

/**
 * `n` slow streams, then SIGTERM once each has its first bytes. With the default SHUTDOWN_TIMEOUT_MS they all
 * finish; with `shutdownTimeoutMs` shorter than the streams, what a client sees when they are closed.
 */
export async function drainOnSigterm(
  up: Omit<Upstreams, "model">,
  n: number,
  streamMs: number,
  shutdownTimeoutMs?: number,
): Promise<Drain> {
  const dataDir = tempDir("omniroute-faults-drain-");
  const gw = await startGatewayProcess(dataDir, shutdownTimeoutMs ? { SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) } : {});
  const connected = await connectUpstreams(gw, up);
  const chunks = 20;
  for (const f of FORMATS)
    up.fakes[f].setScenario({
      kind: "text",
      text: "a slow answer ".repeat(chunks),
      chunks,
      delayMs: Math.round(streamMs / chunks),
      usage: { input: 9, output: 20 },
    });
  const firstBytes: Array<Promise<void>> = [];
  const streams = Array.from({ length: n }, (_, i) => {
    const client = FORMATS[i % 4]!;
    const req = streamRequest(gw.url, client, connected.model[FORMATS[(i >> 2) % 4]!]);
    let started!: () => void;
    firstBytes.push(new Promise<void>((resolve) => (started = resolve)));
    return (async () => {
      try {
        const res = await fetch(req.url, { method: "POST", headers: { "content-type": "application/json" }, body: req.body });
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let text = "";
        for (let first = true; ; first = false) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
          if (first) started();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
        return { end: streamEnd(client, text), id: res.headers.get("x-omniroute-request-id") };
      } catch {
        started();
        return { end: "silent" as StreamEnd, id: null };
      }
    })();
  });
  await Promise.all(firstBytes);
  const t0 = performance.now();
  gw.child.kill("SIGTERM");
  const results = await Promise.all(streams);
  const exitCode = await gw.child.exited;
  const tookMs = performance.now() - t0;
  const ends: Record<StreamEnd, number> = { completed: 0, error_event: 0, silent: 0 };
  for (const r of results) ends[r.end]++;
  const { Database } = await import("bun:sqlite");
  const db = new Database(`${dataDir}/omniroute.sqlite`, { readonly: true });
  const rowOutcomes: Record<string, number> = {};
  let rows = 0;
  for (const r of results) {
    if (!r.id) continue;
    const row = db.query("select status, error_class as errorClass from usage_log where request_id = ?").get(r.id) as {
      status: number;
      errorClass: string | null;
    } | null;
    if (!row) continue;
    rows++;
    const key = `${row.status}${row.errorClass ? ` ${row.errorClass}` : ""}`;
    rowOutcomes[key] = (rowOutcomes[key] ?? 0) + 1;
  }
  db.close();
  return { streams: n, ends, exitCode, rows, rowOutcomes, tookMs };
}
