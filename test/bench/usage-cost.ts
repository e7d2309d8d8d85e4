// What recording usage costs the proxy path: the real writer's synchronous insert, timed in a fresh database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client.ts";
import { sqliteStore } from "../../src/db/store.ts";
import { createUsageWriter } from "../../src/db/usage-writer.ts";
import type { Row } from "./report.ts";

export async function usageRecordingRow(rows = 20_000): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-bench-usage-"));
  try {
    const db = await openDatabase(join(dir, "usage.sqlite"));
    const writer = createUsageWriter(sqliteStore(db));
    const row = (i: number) => ({
      ts: Date.now(),
      requestId: `r${i}`,
      keyId: "k",
      endpoint: "chat.completions",
      provider: "deepseek",
      connectionId: "c",
      modelRequested: "ds/deepseek-chat",
      modelServed: "deepseek-chat",
      attempt: 1,
      stream: true,
      inputTokens: 100,
      outputTokens: 20,
      costUsd: 0.0001,
      latencyMs: 3,
      ttftMs: 1,
      status: 200,
    });
    // One row per commit: what a lone request pays (busy gateways group rows of one event-loop turn).
    for (let i = 0; i < 1000; i++) {
      writer.insert(row(i));
      await writer.flush();
    }
    const started = performance.now();
    for (let i = 0; i < rows; i++) {
      writer.insert(row(i));
      await writer.flush();
    }
    const perRowMs = (performance.now() - started) / rows;
    db.$client.close();
    return {
      scenario: "Usage recording",
      measure: `one usage row committed alone (prepared insert, WAL), mean of ${rows.toLocaleString("en-US")}`,
      gateway: perRowMs,
      unit: "ms",
      digits: 4,
      target: { on: "gateway", atMost: 0.05, label: "a small share of the added latency" },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
