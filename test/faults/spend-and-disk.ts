// Two faults of the money and the disk: a 50-way burst on a nearly unspent budget (how much of what it can pay
// for is served, and how far past the limit it goes), and DATA_DIR on a disk that fills up (when root may mount a tmpfs).
import { CAN_MOUNT_SMALL_DISK, mountSmallDisk } from "../support/small-disk.ts";
import { DEFAULT_PRICING } from "../../src/usage/pricing-defaults.ts";
import { expectStatus, pool, readDatabase, startGatewayProcess, type GatewayProcess, type Upstreams } from "./rig.ts";

export interface BudgetBurst {
  burst: number;
  limit: number;
  perCall: number;
  affordable: number;
  served: number;
  refused: number;
  spent: number;
  overshootCalls: number;
  refusalMessage: string | null;
}

/** 50 parallel streams on a key with a $0.10 daily budget at ~$0.015 a call (DeepSeek prices, usage from the fake). */
export async function budgetBurst(gw: GatewayProcess, up: Omit<Upstreams, "model">, burst = 50, limit = 0.1): Promise<BudgetBurst> {
  const fake = up.fakes["openai-chat"];
  const usage = { input: 10_000, output: 29_000 };
  const price = DEFAULT_PRICING.deepseek!.models["deepseek-chat"]!;
  const perCall = (usage.input * price.input + usage.output * price.output) / 1e6;
  fake.setScenario({ kind: "text", text: "priced answer", chunks: 3, delayMs: 15, usage });
  await expectStatus(gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${fake.url}/v1` } }), 201);
  const key = (await (await expectStatus(gw.api("/api/keys", { body: { name: "faults-burst" } }), 201)).json()) as {
    id: string;
    key: string;
  };
  await expectStatus(gw.api("/api/usage/budget", { body: { keyId: key.id, limit, period: "daily" } }), 201);
  const answers = await pool(Array.from({ length: burst }), burst, async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key.key}` },
      body: JSON.stringify({ model: "ds/deepseek-chat", stream: true, max_tokens: 32_000, messages: [{ role: "user", content: "hi" }] }),
    });
    return { status: res.status, text: await res.text() };
  });
  const budget = ((await (await gw.api("/api/usage/budget")).json()) as Array<{ keyId: string; spent: number }>).find(
    (b) => b.keyId === key.id,
  )!;
  const refusal = answers.find((a) => a.status === 429);
  const served = answers.filter((a) => a.status === 200).length;
  return {
    burst,
    limit,
    perCall,
    affordable: Math.floor(limit / perCall + 1e-9),
    served,
    refused: answers.filter((a) => a.status !== 200).length,
    spent: budget.spent,
    overshootCalls: Math.max(0, (budget.spent - limit) / perCall),
    refusalMessage: refusal ? (JSON.parse(refusal.text) as { error: { message: string } }).error.message : null,
  };
}

export interface FullDisk {
  mounted: boolean;
  requests: number;
  served: number;
  readyzWhileFull: number;
  heldWhileFull: number;
  readyAgainMs: number;
  exitCode: number | null;
  rowsWritten: number;
  integrity: string;
}

/** DATA_DIR on an 8 MB tmpfs, filled to the last byte under a running gateway; then space returns and SIGTERM. */
export async function fullDisk(up: Omit<Upstreams, "model">, requests: number): Promise<FullDisk> {
  const none: FullDisk = {
    mounted: false,
    requests: 0,
    served: 0,
    readyzWhileFull: 0,
    heldWhileFull: 0,
    readyAgainMs: 0,
    exitCode: null,
    rowsWritten: 0,
    integrity: "",
  };
  if (!CAN_MOUNT_SMALL_DISK) return none;
  const disk = mountSmallDisk(8)!;
  try {
    const gw = await startGatewayProcess(disk.dir);
    const fake = up.fakes["openai-chat"];
    fake.setScenario({ kind: "text", text: "served on a full disk", chunks: 2, usage: { input: 5, output: 3 } });
    await expectStatus(gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${fake.url}/v1` } }), 201);
    disk.fill();
    let served = 0;
    await pool(
      Array.from({ length: requests }, (_, i) => i),
      8,
      async (i) => {
        const res = await fetch(`${gw.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "ds/deepseek-chat", stream: i % 2 === 0, messages: [{ role: "user", content: "hi" }] }),
        });
        await res.text();
        if (res.status === 200) served++;
      },
    );
    const readyzWhileFull = (await fetch(`${gw.url}/readyz`)).status;
    const heldWhileFull = ((await (await gw.api("/api/health")).json()) as { storage: { pending: number } }).storage.pending;
    const t0 = performance.now();
    disk.free();
    while ((await fetch(`${gw.url}/readyz`)).status !== 200) {
      if (performance.now() - t0 > 10_000) break;
      await Bun.sleep(20);
    }
    const readyAgainMs = performance.now() - t0;
    gw.child.kill("SIGTERM");
    const exitCode = await gw.child.exited;
    const db = readDatabase(disk.dir);
    return {
      mounted: true,
      requests,
      served,
      readyzWhileFull,
      heldWhileFull,
      readyAgainMs,
      exitCode,
      rowsWritten: db.requestIds.size,
      integrity: db.integrity,
    };
  } finally {
    disk.remove();
  }
}
