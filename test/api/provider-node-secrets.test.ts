// Custom node headers are sealed in the database file and masked in every answer (API, dashboard, export); base URLs carry no credentials.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, mkdtempSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway, rawDatabase } from "../support/gateway.ts";

const TOKEN = "node-token-secret-1234567890";
const BEARER = "Bearer sk-node-bearer-secret-0987654321";

let gw: TestGateway;
let upstream: FakeUpstream;
let nodeId: string;
beforeAll(async () => {
  gw = await startGateway();
  upstream = startOpenAIUpstream({ kind: "text", text: "from the node" });
  const res = await gw.api("/api/provider-nodes", {
    body: {
      name: "Team vLLM",
      prefix: "team",
      apiType: "openai",
      baseUrl: `${upstream.url}/v1`,
      headers: { "X-Node-Token": TOKEN, Authorization: BEARER, "X-Team": "research" },
    },
  });
  expect(res.status).toBe(201);
  const created = await res.json();
  nodeId = created.id;
  expect(JSON.stringify(created)).not.toContain(TOKEN);
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const clean = (text: string) => {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain("sk-node-bearer-secret");
};

describe("node headers", () => {
  test("every API answer masks them; the dashboard never shows them", async () => {
    const list = await (await gw.api("/api/provider-nodes")).text();
    clean(list);
    const one = await (await gw.api(`/api/provider-nodes/${nodeId}`)).json();
    expect(one.headers).toEqual({ "X-Node-Token": "node…7890", Authorization: "Bear…4321", "X-Team": "••••" });
    expect(one.headersUnreadable).toBe(false);
    clean(await (await gw.api("/api/providers/catalog")).text());
    clean(await (await gw.api("/api/models/catalog")).text());
    const cookie = await gw.login();
    clean(await (await fetch(`${gw.url}/dashboard/providers`, { headers: { cookie } })).text());
  });

  test("they are sealed in the database and in both exports; the archive's JSON masks them", async () => {
    const row = rawDatabase(gw.services).query("select headers from provider_nodes where id = ?").get(nodeId) as { headers: string };
    expect(JSON.parse(row.headers)).toStartWith("v1.");
    clean(row.headers);
    // The database file itself, with everything written back from the WAL.
    rawDatabase(gw.services).exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const file = readFileSync(join(gw.config.dataDir, "omniroute.sqlite")).toString("latin1");
    expect(file).toContain("Team vLLM");
    clean(file);
    clean(Buffer.from(await (await gw.api("/api/db-backups/export")).arrayBuffer()).toString("latin1"));
    const dir = mkdtempSync(join(tmpdir(), "omniroute-nodes-"));
    try {
      const archive = join(dir, "all.tar.gz");
      await Bun.write(archive, await (await gw.api("/api/db-backups/exportAll")).arrayBuffer());
      expect(Bun.spawnSync(["tar", "-xzf", archive, "-C", dir]).exitCode).toBe(0);
      const nodes = JSON.parse(readFileSync(join(dir, "provider-nodes.json"), "utf8"));
      expect(nodes[0].headers["X-Node-Token"]).toBe("node…7890");
      for (const name of readdirSync(dir)) clean(readFileSync(join(dir, name)).toString("latin1"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("calls carry the real values; a PUT that sends the masks back keeps them", async () => {
    expect((await gw.api("/api/providers", { body: { provider: "team", apiKey: "conn-key" } })).status).toBe(201);
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: await gw.adminKey(), maxRetries: 0 });
    await client.chat.completions.create({ model: "team/m", messages: [{ role: "user", content: "hi" }] });
    expect(upstream.requests.at(-1)!.headers["x-node-token"]).toBe(TOKEN);

    const shown = await (await gw.api(`/api/provider-nodes/${nodeId}`)).json();
    const put = await gw.api(`/api/provider-nodes/${nodeId}`, {
      method: "PUT",
      body: { headers: { ...shown.headers, "X-Team": "platform" } },
    });
    expect(put.status).toBe(200);
    clean(await put.text());
    await client.chat.completions.create({ model: "team/m", messages: [{ role: "user", content: "hi" }] });
    expect(upstream.requests.at(-1)!.headers["x-node-token"]).toBe(TOKEN);
    expect(upstream.requests.at(-1)!.headers["x-team"]).toBe("platform");
  });

  test("a row from before headers were sealed is sealed when the registry loads, and still sent", async () => {
    rawDatabase(gw.services)
      .query(
        "insert into provider_nodes (id, name, prefix, api_type, base_url, headers, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        "legacy-node",
        "Old",
        "oldnode",
        "openai",
        `${upstream.url}/v1`,
        JSON.stringify({ "X-Node-Token": TOKEN }),
        Date.now(),
        Date.now(),
      );
    await gw.services.providers.reload();
    const row = rawDatabase(gw.services).query("select headers from provider_nodes where id = 'legacy-node'").get() as { headers: string };
    clean(row.headers);
    expect(gw.services.providers.get("oldnode")!.headers).toEqual({ "X-Node-Token": TOKEN });
  });
});

describe("base URLs with credentials", () => {
  test("are refused for nodes and connections, naming the field and what to do", async () => {
    const node = await gw.api("/api/provider-nodes", {
      body: { name: "x", prefix: "withcreds", apiType: "openai", baseUrl: "http://svcuser:svc-pass@127.0.0.1:9/v1" },
    });
    expect(node.status).toBe(400);
    const body = await node.json();
    expect(body.error.field).toBe("baseUrl");
    expect(body.error.message).toContain("must not carry a user or password");
    expect(body.error.message).not.toContain("svc-pass");
    const conn = await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: "https://u:p@example.com/v1" } });
    expect(conn.status).toBe(400);
  });

  test("one stored before they were refused never reaches a client: not in answers, not in error messages", async () => {
    rawDatabase(gw.services)
      .query("insert into provider_nodes (id, name, prefix, api_type, base_url, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)")
      .run("creds-node", "Creds", "credsnode", "openai", "http://svcuser:svc-pass@127.0.0.1:9/v1", Date.now(), Date.now());
    await gw.services.providers.reload();
    expect((await gw.api("/api/providers", { body: { provider: "credsnode", apiKey: "k" } })).status).toBe(201);
    const view = await (await gw.api("/api/provider-nodes/creds-node")).json();
    expect(view.baseUrl).toBe("http://127.0.0.1:9/v1");
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "credsnode/m", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBeGreaterThanOrEqual(500);
    const text = await res.text();
    expect(text).not.toContain("svc-pass");
    expect(text).not.toContain("svcuser");
  });
});
