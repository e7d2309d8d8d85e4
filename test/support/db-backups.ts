// Helpers for the database export/import tests: a source gateway with data, exports, multipart imports.
import { expect } from "bun:test";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway, rawDatabase } from "./gateway.ts";

/** Another gateway with a connection, a combo, a manage key and a usage row: the source of an import. */
export async function sourceGateway(upstream: FakeUpstream, env: Record<string, string> = {}) {
  const gw = await startGateway(env);
  const conn = await (
    await gw.api("/api/providers", {
      body: { provider: "ds", name: "from-b", apiKey: "sk-b-secret-123456", baseUrl: `${upstream.url}/v1` },
    })
  ).json();
  const combo = await (await gw.api("/api/combos", { body: { name: "b-combo", models: ["ds/deepseek-chat"] } })).json();
  const key = await (await gw.api("/api/keys", { body: { name: "b-admin", scopes: ["manage"] } })).json();
  upstream.setScenario({ kind: "text", text: "hello" });
  const chat = await fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] }),
  });
  expect(chat.status).toBe(200);
  return { gw, conn, combo, key: key.key as string };
}

export async function exportBytes(gw: TestGateway): Promise<Uint8Array> {
  const res = await gw.api("/api/db-backups/export");
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

export function importRequest(url: string, bytes: Uint8Array | string, auth: Record<string, string>, name = "backup.sqlite") {
  const form = new FormData();
  form.append("file", new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)]), name);
  return fetch(`${url}/api/db-backups/import`, { method: "POST", headers: auth, body: form });
}

export const bearer = async (gw: TestGateway) => ({ authorization: `Bearer ${await gw.adminKey()}` });

export const connectionNames = (gw: TestGateway) =>
  (rawDatabase(gw.services).query("select name from provider_connections order by name").values() as string[][]).map((r) => r[0]);
