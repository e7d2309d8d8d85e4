// The cloud side of the sync API: sync- or manage-scoped keys, a random salt per space, documents stored as given, stale or older writes refused.
import { rawDatabase } from "../support/gateway.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let cloud: TestGateway;
beforeAll(async () => {
  cloud = await startGateway();
});
afterAll(() => cloud.close());

const doc = (id: string, baseRev: number, extra: Record<string, unknown> = {}) => ({
  id,
  kind: "combo",
  baseRev,
  updatedAt: 1_700_000_000_000,
  deleted: false,
  ciphertext: `s2.opaque.${id}.${baseRev}`,
  ...extra,
});
const put = (documents: unknown[], space = "default") => cloud.api("/api/sync/state", { method: "PUT", body: { space, documents } });

describe("/api/sync/state", () => {
  test("needs a sync- or manage-scoped API key; a sync key opens nothing else", async () => {
    expect((await fetch(`${cloud.url}/api/sync/state`)).status).toBe(401);
    const clientKey = (await cloud.services.apiKeys.create("client only", [])).key;
    const res = await fetch(`${cloud.url}/api/sync/state`, { headers: { authorization: `Bearer ${clientKey}` } });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain('"sync" or "manage" scope');
    const created = await cloud.api("/api/keys", { body: { name: "laptop sync", scopes: ["sync"] } });
    expect(created.status).toBe(201);
    const syncKey = (await created.json()).key;
    const auth = { authorization: `Bearer ${syncKey}`, "content-type": "application/json" };
    expect((await fetch(`${cloud.url}/api/sync/state`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${cloud.url}/api/sync/space`, { method: "POST", headers: auth, body: "{}" })).status).toBe(200);
    for (const path of ["/api/keys", "/api/providers", "/api/sync/status", "/api/db-backups/export"]) {
      expect((await fetch(`${cloud.url}${path}`, { headers: auth })).status).toBe(403);
    }
    expect((await fetch(`${cloud.url}/api/sync/now`, { method: "POST", headers: auth })).status).toBe(403);
  });

  test("a document older than the one it would replace is refused, even on the right base rev", async () => {
    const first = await (await put([doc("document-dated-cccccccc", 0, { updatedAt: 2_000 })], "dated")).json();
    expect(first.accepted).toEqual([{ id: "document-dated-cccccccc", rev: 1 }]);
    const replay = await (await put([doc("document-dated-cccccccc", 1, { updatedAt: 1_000 })], "dated")).json();
    expect(replay).toEqual({ rev: 1, accepted: [], rejected: [{ id: "document-dated-cccccccc", rev: 1 }] });
    const newer = await (await put([doc("document-dated-cccccccc", 1, { updatedAt: 3_000 })], "dated")).json();
    expect(newer.accepted).toEqual([{ id: "document-dated-cccccccc", rev: 2 }]);
  });

  test("a document in the format of an OmniRoute before issue 14 (s1) is a 400 saying to upgrade", async () => {
    const res = await put([doc("document-old-dddddddd", 0, { ciphertext: "s1.a.b.c" })]);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("upgrade it");
  });

  test("stores documents with a rev per write, pulls by rev, refuses a write on a stale rev", async () => {
    const first = await (await put([doc("document-one-aaaaaaaa", 0), doc("document-two-bbbbbbbb", 0)])).json();
    expect(first).toEqual({
      rev: 2,
      accepted: [
        { id: "document-one-aaaaaaaa", rev: 1 },
        { id: "document-two-bbbbbbbb", rev: 2 },
      ],
      rejected: [],
    });

    // Another device that saw rev 1 updates it; a third that still thinks it is new (baseRev 0) is refused.
    const second = await (await put([doc("document-one-aaaaaaaa", 1, { deleted: true }), doc("document-two-bbbbbbbb", 0)])).json();
    expect(second).toEqual({
      rev: 3,
      accepted: [{ id: "document-one-aaaaaaaa", rev: 3 }],
      rejected: [{ id: "document-two-bbbbbbbb", rev: 2 }],
    });

    const all = await (await cloud.api("/api/sync/state?since=0")).json();
    expect(all).toMatchObject({ space: "default", rev: 3, more: false });
    expect(all.documents.map((d: any) => [d.id, d.rev, d.deleted])).toEqual([
      ["document-two-bbbbbbbb", 2, false],
      ["document-one-aaaaaaaa", 3, true],
    ]);
    expect(all.documents[1].ciphertext).toBe("s2.opaque.document-one-aaaaaaaa.1");

    const since2 = await (await cloud.api("/api/sync/state?since=2")).json();
    expect(since2.documents.map((d: any) => d.rev)).toEqual([3]);
    const paged = await (await cloud.api("/api/sync/state?since=0&limit=1")).json();
    expect(paged).toMatchObject({ more: true, documents: [{ rev: 2 }] });
  });

  test("spaces are separate", async () => {
    const other = await (await put([doc("document-one-aaaaaaaa", 0)], "work")).json();
    expect(other.accepted).toEqual([{ id: "document-one-aaaaaaaa", rev: 1 }]);
    expect((await (await cloud.api("/api/sync/state?space=work")).json()).documents).toHaveLength(1);
  });

  test("each space gets its own random salt on first use, the same on every later call", async () => {
    const salt = async (space: string) => (await (await cloud.api("/api/sync/space", { body: { space } })).json()).salt as string;
    const a1 = await salt("alpha");
    expect(a1).toMatch(/^[\w-]{43}$/);
    expect(await salt("alpha")).toBe(a1);
    expect(await salt("beta")).not.toBe(a1);
    expect(rawDatabase(cloud.services).query("select salt from sync_spaces where space = 'alpha'").get()).toEqual({ salt: a1 });
  });

  test("documents a space held from before it had a salt (unreadable to every upgraded device) go when it gets one", async () => {
    rawDatabase(cloud.services)
      .query(
        "insert into sync_documents (space, id, kind, rev, updated_at, deleted, ciphertext, received_at) values ('legacy', 'legacy-document-eeeeeeee', 'combo', 4, 1, 0, 's1.x.y.z', 1)",
      )
      .run();
    await cloud.api("/api/sync/space", { body: { space: "legacy" } });
    expect(await (await cloud.api("/api/sync/state?space=legacy")).json()).toMatchObject({ rev: 0, documents: [] });
  });

  test("bad input is a 400 naming the field", async () => {
    const res = await put([{ ...doc("short", 0) }]);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/documents\.0\.id/);
    expect((await cloud.api("/api/sync/state?since=-1")).status).toBe(400);
  });

  test("the status of a gateway without CLOUD_URL says sync is off", async () => {
    expect(await (await cloud.api("/api/sync/status")).json()).toMatchObject({
      enabled: false,
      cloudUrl: null,
      lastError: null,
      conflicts: [],
    });
  });
});
