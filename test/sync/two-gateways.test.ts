// Cloud sync end to end: a plain gateway as the cloud, devices syncing through it over loopback, a fake upstream behind.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { reloadCachedState } from "../../src/db/swap.ts";
import { setLogLevel } from "../../src/log.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway, rawDatabase } from "../support/gateway.ts";

const PASSPHRASE = "correct horse battery staple";
const UPSTREAM_KEY = "sk-upstream-secret-4f9a2c";
const NODE_KEY = "sk-node-secret-77e1b0";
const COMBO = "team-fast-combo";
const CUSTOM_MODEL = "secret-model-xyz";

let cloud: TestGateway;
let upstream: FakeUpstream;
const opened: TestGateway[] = [];

async function device(env: Record<string, string> = {}): Promise<TestGateway> {
  const gw = await startGateway({
    CLOUD_URL: cloud.url,
    CLOUD_API_KEY: await cloud.adminKey(),
    CLOUD_SYNC_KEY: PASSPHRASE,
    CLOUD_SYNC_INTERVAL_SECONDS: "3600",
    ...env,
  });
  opened.push(gw);
  return gw;
}

async function json(res: Response | Promise<Response>): Promise<any> {
  const r = await res;
  const body = await r.json();
  if (r.status >= 400) throw new Error(`${r.status}: ${JSON.stringify(body)}`);
  return body;
}

const cloudRows = () => rawDatabase(cloud.services).query("SELECT * FROM sync_documents ORDER BY rev").all() as any[];
const comboByName = (gw: TestGateway, name: string) => gw.services.combos.byName(name);

function chat(gw: TestGateway, model: string) {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
}

let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  cloud = await startGateway();
  upstream = startOpenAIUpstream({ kind: "text", text: "Hello through the synced provider." });
  // Device B seals credentials at rest under another ENCRYPTION_KEY: what it pulls must be re-sealed, not copied.
  a = await device({ ENCRYPTION_KEY: "device-a-encryption-key-0123456789" });
  b = await device({ ENCRYPTION_KEY: "device-b-encryption-key-9876543210" });
});

afterAll(async () => {
  for (const gw of opened) {
    await gw.services.sync.stop();
    await gw.close();
  }
  await cloud.close();
  await upstream.close();
});

describe("cloud sync between two gateways", () => {
  test("providers, custom nodes and models, combos and settings travel A -> cloud -> B, and B routes through them", async () => {
    await json(a.api("/api/providers", { body: { provider: "ds", apiKey: UPSTREAM_KEY, baseUrl: `${upstream.url}/v1` } }));
    await json(
      a.api("/api/provider-nodes", { body: { name: "My fake", prefix: "myfake", apiType: "openai", baseUrl: `${upstream.url}/v1` } }),
    );
    await json(a.api("/api/providers", { body: { provider: "myfake", apiKey: NODE_KEY } }));
    await json(a.api("/api/provider-models", { body: { provider: "myfake", modelId: CUSTOM_MODEL } }));
    await json(a.api("/api/combos", { body: { name: COMBO, models: ["ds/deepseek-chat"] } }));
    await json(
      a.api("/api/settings", { method: "PUT", body: { stickyRoundRobinLimit: 7, routingStrategy: "round-robin", requireLogin: false } }),
    );

    const statusA = await a.services.sync.syncNow();
    expect(statusA.lastError).toBeNull();
    expect(statusA.lastPushAt).not.toBeNull();

    // The cloud holds one opaque document per item and can read none of them.
    const rows = cloudRows();
    expect(rows.map((r) => r.kind).sort()).toEqual(["combo", "connection", "connection", "model", "node", "settings"]);
    const dump = JSON.stringify(rows);
    for (const secret of [
      UPSTREAM_KEY,
      NODE_KEY,
      COMBO,
      CUSTOM_MODEL,
      "deepseek",
      "myfake",
      "stickyRoundRobinLimit",
      String(upstream.port),
      PASSPHRASE,
    ]) {
      expect(dump).not.toContain(secret);
    }

    const statusB = await json(b.api("/api/sync/now", { method: "POST" }));
    expect(statusB.lastError).toBeNull();
    expect(statusB.lastPulledRev).toBe(rows.at(-1).rev);

    const list: any[] = await json(b.api("/api/providers"));
    expect(list.map((p) => p.provider).sort()).toEqual(["deepseek", "myfake"]);
    expect(list.find((p) => p.provider === "deepseek").apiKey).toBe("sk-u…9a2c");
    const listA: any[] = await json(a.api("/api/providers"));
    expect(list.map((p) => p.id).sort()).toEqual(listA.map((p) => p.id).sort());
    // Re-sealed under B's own ENCRYPTION_KEY.
    const rowA = rawDatabase(a.services).query("SELECT credentials FROM provider_connections WHERE provider = 'deepseek'").get() as any;
    const rowB = rawDatabase(b.services).query("SELECT credentials FROM provider_connections WHERE provider = 'deepseek'").get() as any;
    expect(rowB.credentials).not.toBe(rowA.credentials);
    expect(JSON.parse(b.services.secrets.open(rowB.credentials))).toEqual({ apiKey: UPSTREAM_KEY });
    expect(() => a.services.secrets.open(rowB.credentials)).toThrow();

    expect(comboByName(b, COMBO)?.members).toEqual([{ model: "ds/deepseek-chat", weight: 1 }]);
    expect(b.services.providers.get("myfake")?.baseUrl).toBe(`${upstream.url}/v1`);
    const settingsB = b.services.settings.get();
    expect(settingsB.stickyRoundRobinLimit).toBe(7);
    expect(settingsB.routingStrategy).toBe("round-robin");
    expect(settingsB.requireLogin).toBe(true); // guards B's own door: never synced

    upstream.requests.length = 0;
    const res = await chat(b, COMBO);
    expect(res.status).toBe(200);
    expect((await res.json()).choices[0].message.content).toBe("Hello through the synced provider.");
    expect(upstream.requests[0]!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(upstream.requests[0]!.body.model).toBe("deepseek-chat");

    const custom = await chat(b, `myfake/${CUSTOM_MODEL}`);
    expect(custom.status).toBe(200);
    expect(upstream.requests[1]!.headers.authorization).toBe(`Bearer ${NODE_KEY}`);

    // Nothing changed: a second exchange sends nothing back and the cloud is where it was.
    const revBefore = cloudRows().at(-1).rev;
    await b.services.sync.syncNow();
    await a.services.sync.syncNow();
    expect(cloudRows().at(-1).rev).toBe(revBefore);
  });

  test("both devices edit the same combo: the later write wins everywhere and the conflict is recorded", async () => {
    const id = comboByName(a, COMBO)!.id;
    await json(a.api(`/api/combos/${id}`, { method: "PUT", body: { models: ["ds/deepseek-chat", "ds/deepseek-reasoner"] } }));
    await Bun.sleep(5);
    await json(b.api(`/api/combos/${id}`, { method: "PUT", body: { strategy: "round-robin", models: ["ds/deepseek-reasoner"] } }));

    // A (the earlier edit) reaches the cloud first; B pulls it, sees its own later edit, and keeps it.
    expect((await a.services.sync.syncNow()).lastError).toBeNull();
    const statusB = await b.services.sync.syncNow();
    expect(statusB.lastError).toBeNull();
    expect(statusB.conflicts[0]).toMatchObject({
      kind: "combo",
      id,
      name: COMBO,
      reason: "edited on both",
      keptFrom: expect.stringContaining(statusB.device!.id.slice(0, 8)),
      discardedFrom: expect.stringContaining(a.services.sync.status().device!.id.slice(0, 8)),
    });
    await a.services.sync.syncNow();
    for (const gw of [a, b]) {
      expect(comboByName(gw, COMBO)).toMatchObject({ strategy: "round-robin", members: [{ model: "ds/deepseek-reasoner", weight: 1 }] });
    }

    // Now the later edit reaches the cloud first: the earlier one is discarded where it was made, and recorded there.
    await json(a.api(`/api/combos/${id}`, { method: "PUT", body: { strategy: "priority" } }));
    await Bun.sleep(5);
    await json(b.api(`/api/combos/${id}`, { method: "PUT", body: { strategy: "random" } }));
    await b.services.sync.syncNow();
    const statusA = await json(a.api("/api/sync/status"));
    const conflictsBefore = statusA.conflicts.length;
    const after = await json(a.api("/api/sync/now", { method: "POST" }));
    expect(after.conflicts.length).toBe(conflictsBefore + 1);
    expect(after.conflicts[0]).toMatchObject({ kind: "combo", id, discardedFrom: expect.stringContaining(after.device.id.slice(0, 8)) });
    expect(comboByName(a, COMBO)?.strategy).toBe("random");
    await b.services.sync.syncNow();
    expect(comboByName(b, COMBO)?.strategy).toBe("random");

    // The record is on the dashboard's System page.
    const page = await b.app.request("/dashboard/system", { headers: { cookie: await b.login() } });
    const html = await page.text();
    expect(html).toContain("Cloud sync");
    expect(html).toContain("Conflicts resolved");
    expect(html).toContain(COMBO);
    const now = await b.app.request("/dashboard/partials/system/sync", { method: "POST", headers: { cookie: await b.login() } });
    expect(now.status).toBe(200);
    const panel = await now.text();
    expect(panel).toStartWith('<section id="cloud-sync"');
    expect(panel).toContain("In sync as of");
    const off = await cloud.app.request("/dashboard/system", { headers: { cookie: await cloud.login() } });
    expect(await off.text()).toContain("Off. To share providers, combos and settings");
  });

  test("both devices syncing at the same moment: the cloud refuses the stale write and both still converge", async () => {
    const id = comboByName(a, COMBO)!.id;
    await json(a.api(`/api/combos/${id}`, { method: "PUT", body: { strategy: "weighted" } }));
    await Bun.sleep(5);
    await json(b.api(`/api/combos/${id}`, { method: "PUT", body: { strategy: "least-used" } }));
    const [sa, sb] = await Promise.all([a.services.sync.syncNow(), b.services.sync.syncNow()]);
    expect(sa.lastError).toBeNull();
    expect(sb.lastError).toBeNull();
    await a.services.sync.syncNow();
    expect(comboByName(a, COMBO)?.strategy).toBe("least-used");
    expect(comboByName(b, COMBO)?.strategy).toBe("least-used");
  });

  test("a combo created on both devices under the same name: one survives everywhere", async () => {
    await json(a.api("/api/combos", { body: { name: "twin-combo", models: ["ds/deepseek-chat"] } }));
    await Bun.sleep(5);
    await json(b.api("/api/combos", { body: { name: "twin-combo", strategy: "random", models: ["ds/deepseek-reasoner"] } }));
    await a.services.sync.syncNow();
    const statusB = await b.services.sync.syncNow();
    expect(statusB.lastError).toBeNull();
    expect(statusB.conflicts[0]).toMatchObject({
      kind: "combo",
      name: "twin-combo",
      reason: "same name",
      keptFrom: expect.stringContaining(statusB.device!.id.slice(0, 8)),
    });
    await a.services.sync.syncNow();
    const survivor = comboByName(b, "twin-combo")!;
    expect(survivor.strategy).toBe("random");
    expect(comboByName(a, "twin-combo")).toEqual(survivor);
    expect(cloudRows().filter((r) => r.kind === "combo" && !r.deleted)).toHaveLength(2); // COMBO and the survivor
  });

  test("a device with another passphrase cannot decrypt: a clear error, nothing applied, nothing pushed", async () => {
    const c = await device({ CLOUD_SYNC_KEY: "a different passphrase entirely" });
    await json(c.api("/api/combos", { body: { name: "c-only-combo", models: ["ds/deepseek-chat"] } }));
    const before = cloudRows();
    const status = await c.services.sync.syncNow();
    expect(status.lastError).toMatch(/Cannot decrypt \d+ of \d+ document\(s\).*CLOUD_SYNC_KEY/);
    expect(c.services.combos.byName(COMBO)).toBeUndefined();
    expect(await json(c.api("/api/providers"))).toEqual([]);
    expect(cloudRows()).toEqual(before);
    expect(status.lastPulledRev).toBe(0);
    expect((await json(c.api("/api/sync/status"))).lastError).toBe(status.lastError);
  });

  test("deletions propagate: a combo, a connection and a custom node (with its model) deleted on A disappear from B", async () => {
    const comboId = comboByName(a, COMBO)!.id;
    const providersA = await json(a.api("/api/providers"));
    const node = providersA.find((p: any) => p.provider === "myfake");
    expect((await a.api(`/api/combos/${comboId}`, { method: "DELETE" })).status).toBe(204);
    expect((await a.api(`/api/providers/${node.id}`, { method: "DELETE" })).status).toBe(204);
    const nodes: any[] = await json(a.api("/api/provider-nodes"));
    expect((await a.api(`/api/provider-nodes/${nodes[0].id}`, { method: "DELETE" })).status).toBe(204);
    const revBefore = cloudRows().at(-1).rev;
    expect((await a.services.sync.syncNow()).lastError).toBeNull();

    const tombstones = cloudRows().filter((r) => r.rev > revBefore);
    expect(tombstones.every((r) => r.deleted)).toBe(true);
    expect(tombstones.map((r) => r.kind).sort()).toEqual(["combo", "connection", "model", "node"]);

    expect((await b.services.sync.syncNow()).lastError).toBeNull();
    expect(comboByName(b, COMBO)).toBeUndefined();
    expect((await json(b.api("/api/providers"))).map((p: any) => p.provider)).toEqual(["deepseek"]);
    expect(b.services.providers.get("myfake")).toBeUndefined();
    expect(await json(b.api("/api/provider-models"))).toEqual([]);
    expect((await chat(b, COMBO)).status).toBeGreaterThanOrEqual(400);
    // Deleting again on A's side is not a conflict, and no deletion comes back.
    expect((await a.services.sync.syncNow()).conflicts.filter((c) => c.kind === "connection")).toEqual([]);
  });

  test("after a database import (caches reloaded), the device keeps its id and syncs on", async () => {
    const deviceId = b.services.sync.status().device!.id;
    const rev = cloudRows().at(-1).rev;
    await reloadCachedState(b.services);
    const status = await b.services.sync.syncNow();
    expect(status.lastError).toBeNull();
    expect(status.device!.id).toBe(deviceId);
    expect(cloudRows().at(-1).rev).toBe(rev);
  });

  test("in the background: a new device pulls at start, and a change syncs shortly after it is made", async () => {
    const d = await device();
    d.services.sync.start();
    await waitFor(() => d.services.accounts.accountsOf("deepseek").length === 1 && d.services.settings.get().stickyRoundRobinLimit === 7);
    expect(d.services.sync.status().lastError).toBeNull();

    a.services.sync.start();
    await waitFor(() => !a.services.sync.status().running);
    const rev = cloudRows().at(-1).rev;
    // The next interval is an hour away: only the change itself can start this exchange.
    await json(a.api("/api/combos", { body: { name: "late-combo", models: ["ds/deepseek-chat"] } }));
    await Bun.sleep(300);
    expect(cloudRows().at(-1).rev).toBe(rev);
    await waitFor(() => cloudRows().at(-1).rev > rev, 3000);
    await a.services.sync.stop();
    await d.services.sync.syncNow();
    expect(d.services.combos.byName("late-combo")).toBeDefined();
  });
});

describe("the cloud being down or slow", () => {
  test("does not delay requests, and is reported in the status", async () => {
    // A cloud that accepts connections and never answers, and one that is not there at all.
    const hanging = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Promise<Response>(() => {}) });
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
    const closedUrl = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    try {
      const slow = await device({ CLOUD_URL: `http://127.0.0.1:${hanging.port}`, CLOUD_SYNC_TIMEOUT_MS: "1500" });
      await json(slow.api("/api/providers", { body: { provider: "ds", apiKey: UPSTREAM_KEY, baseUrl: `${upstream.url}/v1` } }));
      const started = performance.now();
      slow.services.sync.start();
      expect(performance.now() - started).toBeLessThan(50);
      // While the first exchange waits on the cloud, requests go through at their own pace.
      await Bun.sleep(20);
      expect(slow.services.sync.status().running).toBe(true);
      const t0 = performance.now();
      const res = await chat(slow, "ds/deepseek-chat");
      expect(res.status).toBe(200);
      // Far below the 1.5 s the exchange waits: the request did not queue behind it.
      expect(performance.now() - t0).toBeLessThan(500);
      expect(slow.services.sync.status().running).toBe(true);
      await waitFor(() => slow.services.sync.status().lastError !== null, 4000);
      expect(slow.services.sync.status().lastError).toMatch(/did not answer within 1500 ms/);
      await slow.services.sync.stop();

      const down = await device({ CLOUD_URL: closedUrl });
      const warnings: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      setLogLevel("warn");
      process.stderr.write = ((chunk: string) => (warnings.push(String(chunk)), true)) as typeof process.stderr.write;
      let status;
      try {
        const t1 = performance.now();
        status = await down.services.sync.syncNow();
        expect(performance.now() - t1).toBeLessThan(1000);
        await down.services.sync.syncNow();
        await down.services.sync.syncNow();
      } finally {
        process.stderr.write = write;
        setLogLevel("error");
      }
      expect(status.lastError).toMatch(/Cannot reach the cloud at/);
      // Logged once, not at every retry.
      expect(warnings.filter((w) => w.includes("cloud sync: Cannot reach"))).toHaveLength(1);
      expect((await json(down.api("/api/sync/status"))).lastError).toBe(status.lastError);
    } finally {
      await hanging.stop(true);
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await Bun.sleep(25);
  }
}
