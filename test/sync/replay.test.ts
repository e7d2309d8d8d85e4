// A replayed older sync document never rolls a device back: the cloud refuses it, a device refuses it, a re-dated one does not open.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { setLogLevel } from "../../src/log.ts";
import { startGateway, type TestGateway, rawDatabase } from "../support/gateway.ts";

const PASSPHRASE = "correct horse battery staple";
const OLD_KEY = "sk-revoked-key-111111";
const NEW_KEY = "sk-rotated-key-222222";

let cloud: TestGateway;
let syncKey: string;
let a: TestGateway;
let b: TestGateway;

async function device(): Promise<TestGateway> {
  return startGateway({ CLOUD_URL: cloud.url, CLOUD_API_KEY: syncKey, CLOUD_SYNC_KEY: PASSPHRASE, CLOUD_SYNC_INTERVAL_SECONDS: "3600" });
}

beforeAll(async () => {
  cloud = await startGateway();
  // A device needs only the `sync` scope on its cloud.
  syncKey = (await cloud.services.apiKeys.create("devices", ["sync"])).key;
  a = await device();
  b = await device();
});
afterAll(async () => {
  for (const gw of [a, b]) {
    await gw.services.sync.stop();
    await gw.close();
  }
  await cloud.close();
});

type Row = { id: string; kind: string; rev: number; updated_at: number; deleted: number; ciphertext: string };
const connectionRow = () => rawDatabase(cloud.services).query("select * from sync_documents where kind = 'connection'").get() as Row;
const keyOn = (gw: TestGateway) => {
  const row = rawDatabase(gw.services).query("select credentials from provider_connections where provider = 'deepseek'").get() as {
    credentials: string;
  };
  return (JSON.parse(gw.services.secrets.open(row.credentials)) as { apiKey: string }).apiKey;
};
const replay = (old: Row, rev: number, updatedAt: number) =>
  fetch(`${cloud.url}/api/sync/state`, {
    method: "PUT",
    headers: { authorization: `Bearer ${syncKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      space: "default",
      documents: [{ id: old.id, kind: old.kind, baseRev: rev, updatedAt, deleted: false, ciphertext: old.ciphertext }],
    }),
  });

describe("a rotated provider key cannot be rolled back by replaying the old document", () => {
  let old: Row;

  beforeAll(async () => {
    const created = await a.api("/api/providers", { body: { provider: "ds", apiKey: OLD_KEY } });
    expect(created.status).toBe(201);
    expect((await a.services.sync.syncNow()).lastError).toBeNull();
    expect((await b.services.sync.syncNow()).lastError).toBeNull();
    expect(keyOn(b)).toBe(OLD_KEY);
    old = connectionRow();

    await Bun.sleep(2);
    const id = (await created.json()).id;
    expect((await a.api(`/api/providers/${id}`, { method: "PUT", body: { apiKey: NEW_KEY } })).status).toBe(200);
    expect((await a.services.sync.syncNow()).lastError).toBeNull();
    expect((await b.services.sync.syncNow()).lastError).toBeNull();
    expect(keyOn(b)).toBe(NEW_KEY);
    expect(connectionRow().updated_at).toBeGreaterThan(old.updated_at);
  });

  test("the cloud refuses the old document pushed again on the current rev", async () => {
    const res = await replay(old, connectionRow().rev, old.updated_at);
    expect(res.status).toBe(200);
    expect((await res.json()).rejected).toEqual([{ id: old.id, rev: connectionRow().rev }]);
    expect(connectionRow().ciphertext).not.toBe(old.ciphertext);
  });

  test("a cloud that serves it anyway: the device refuses the regression, keeps the new key and sends it again", async () => {
    setLogLevel("silent");
    try {
      const rev = (rawDatabase(cloud.services).query("select max(rev) as rev from sync_documents").get() as { rev: number }).rev + 1;
      rawDatabase(cloud.services)
        .query("update sync_documents set rev = ?, updated_at = ?, ciphertext = ? where id = ?")
        .run(rev, old.updated_at, old.ciphertext, old.id);
      const status = await b.services.sync.syncNow();
      expect(status.lastError).toBeNull();
      expect(keyOn(b)).toBe(NEW_KEY);
      // B's version went back over the replayed one; A takes nothing old from it.
      expect(connectionRow().updated_at).toBeGreaterThan(old.updated_at);
      expect((await a.services.sync.syncNow()).lastError).toBeNull();
      expect(keyOn(a)).toBe(NEW_KEY);
    } finally {
      setLogLevel("error");
    }
  });

  test("re-dated to look newer, it no longer opens: nothing is applied and the status says why", async () => {
    const res = await replay(old, connectionRow().rev, Date.now() + 60_000);
    expect((await res.json()).accepted).toHaveLength(1);
    setLogLevel("silent");
    try {
      const status = await b.services.sync.syncNow();
      expect(status.lastError).toContain("Cannot decrypt 1 of 1 document(s)");
      expect(keyOn(b)).toBe(NEW_KEY);
    } finally {
      setLogLevel("error");
    }
  });
});
