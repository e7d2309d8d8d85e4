// A full disk under a running gateway (a real tmpfs, filled to the last byte): requests are still served, /readyz,
// /api/health and the Health page say usage rows are not written, the rows are held and written once space
// returns, management writes answer 507 and change nothing, and the database is never corrupt.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { listUsageLogs } from "../../src/db/queries/usage.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { CAN_MOUNT_SMALL_DISK, mountSmallDisk, type SmallDisk } from "../support/small-disk.ts";
import { sqliteOf } from "../support/sqlite-of.ts";

if (!CAN_MOUNT_SMALL_DISK) console.warn("full-disk tests skipped: this machine does not let the tests mount a tmpfs (needs root)");

describe.skipIf(!CAN_MOUNT_SMALL_DISK)("a full disk", () => {
  let disk: SmallDisk;
  let gw: TestGateway;
  let up: FakeUpstream;
  let cookie: string;

  beforeAll(async () => {
    disk = mountSmallDisk(8)!;
    gw = await startGateway({ DATA_DIR: disk.dir });
    up = startOpenAIUpstream({ kind: "text", text: "all four words", chunks: 4, usage: { input: 10, output: 4 } });
    expect((await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${up.url}/v1` } })).status).toBe(201);
    cookie = await gw.login();
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
    disk.remove();
  });

  /** Fill the disk; the WAL is emptied first so that the next commit must grow it, as on a disk that filled up over time. */
  const fillDisk = () => {
    sqliteOf(gw.services.store).$client.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    disk.fill();
  };
  const chat = (stream: boolean) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/deepseek-chat", stream, messages: [{ role: "user", content: "hi" }] }),
    });
  const untilReady = async () => {
    for (const started = Date.now(); Date.now() - started < 10_000; await Bun.sleep(20)) {
      if ((await fetch(`${gw.url}/readyz`)).status === 200) return;
    }
    throw new Error("not ready again within 10 s of space returning");
  };

  test("requests are served; /readyz, /api/health and the Health page say rows are held; they are written when space returns", async () => {
    expect(await (await fetch(`${gw.url}/readyz`)).json()).toEqual({ status: "ready" });
    const rowsBefore = (await listUsageLogs(gw.services.store, { limit: 1000 })).length;
    fillDisk();

    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await chat(i % 2 === 0);
        return { status: res.status, text: await res.text(), id: res.headers.get("x-omniroute-request-id")! };
      }),
    );
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.text).toContain("all four words".slice(0, 3));
    }
    expect(answers.filter((_, i) => i % 2 === 0).every((a) => a.text.includes("data: [DONE]"))).toBe(true);

    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(503);
    const { status, reason } = await ready.json();
    expect(status).toBe("not_ready");
    expect(reason).toMatch(
      /^usage rows cannot be written since \d{4}-\d\d-\d\dT.*: the disk holding the database is full; 20 held in memory \(at most 20000\), 0 lost\. Requests are still served\.$/,
    );

    const health = await (await gw.api("/api/health")).json();
    expect(health.storage).toMatchObject({ usageRows: "failing", pending: 20, maxPending: 20_000, dropped: 0 });
    expect(health.storage.error).toContain(`the disk holding the database (${disk.dir}) is full`);

    const card = await (await fetch(`${gw.url}/dashboard/partials/health/system`, { headers: { cookie } })).text();
    expect(card).toContain("not written");
    expect(card).toContain("20 rows are held in memory (at most 20,000)");

    disk.free();
    await untilReady();
    const rows = await listUsageLogs(gw.services.store, { limit: 1000 });
    expect(rows.length).toBe(rowsBefore + 20);
    const held = rows.filter((r) => answers.some((a) => a.id === r.requestId));
    expect(held.length).toBe(20);
    expect(held.every((r) => r.status === 200 && r.outputTokens === 4)).toBe(true);
    expect((await (await gw.api("/api/health")).json()).storage).toMatchObject({ usageRows: "writing", pending: 0, dropped: 0 });
    expect(await (await fetch(`${gw.url}/dashboard/partials/health/system`, { headers: { cookie } })).text()).toContain("written");
    expect(sqliteOf(gw.services.store).$client.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
  });

  test("management writes answer 507 in the API's error format (HTML in the dashboard) and change nothing", async () => {
    fillDisk();
    try {
      const writes: Array<[string, string, unknown]> = [
        ["POST", "/api/combos", { name: "full-combo", models: ["ds/deepseek-chat"] }],
        ["POST", "/api/keys", { name: "full-key" }],
        ["PUT", "/api/settings", { systemPrompt: "written on a full disk" }],
      ];
      for (const [method, path, body] of writes) {
        const res = await gw.api(path, { method, body });
        expect({ path, status: res.status }).toEqual({ path, status: 507 });
        const error = (await res.json()).error;
        expect(error.code).toBe("storage_full");
        expect(error.message).toBe(
          `This change was not saved: the disk holding the database (${disk.dir}) is full. Nothing was changed; free some space there and try again.`,
        );
      }
      const form = await fetch(`${gw.url}/dashboard/partials/keys`, {
        method: "POST",
        headers: { cookie, origin: gw.url, "hx-request": "true", "content-type": "application/x-www-form-urlencoded" },
        body: "name=full-form-key",
      });
      expect(form.status).toBe(507);
      expect(await form.text()).toContain("This change was not saved: the disk holding the database");
    } finally {
      disk.free();
    }
    await untilReady();
    const combos = await (await gw.api("/api/combos")).json();
    expect(JSON.stringify(combos)).not.toContain("full-combo");
    const keys = JSON.stringify(await (await gw.api("/api/keys")).json());
    expect(keys).not.toContain("full-key");
    expect(keys).not.toContain("full-form-key");
    expect((await (await gw.api("/api/settings")).json()).systemPrompt).not.toBe("written on a full disk");
    // And the same writes succeed now that there is room.
    expect((await gw.api("/api/combos", { body: { name: "full-combo", models: ["ds/deepseek-chat"] } })).status).toBe(201);
    expect(sqliteOf(gw.services.store).$client.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
  });
});
