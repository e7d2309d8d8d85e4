// The cloud side of the sync API: manage-scoped keys only, documents stored as given, a write on a stale rev refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let cloud: TestGateway;
beforeAll(async () => {
  cloud = await startGateway();
});
afterAll(() => cloud.close());

const doc = (id: string, baseRev: number, extra: Record<string, unknown> = {}) =>
  ({ id, kind: "combo", baseRev, updatedAt: 1_700_000_000_000, deleted: false, ciphertext: `s1.opaque.${id}.${baseRev}`, ...extra });
const put = (documents: unknown[], space = "default") => cloud.api("/api/sync/state", { method: "PUT", body: { space, documents } });

describe("/api/sync/state", () => {
  test("needs a manage-scoped API key", async () => {
    expect((await fetch(`${cloud.url}/api/sync/state`)).status).toBe(401);
    const clientKey = cloud.services.apiKeys.create("client only", []).key;
    const res = await fetch(`${cloud.url}/api/sync/state`, { headers: { authorization: `Bearer ${clientKey}` } });
    expect(res.status).toBe(403);
  });

  test("stores documents with a rev per write, pulls by rev, refuses a write on a stale rev", async () => {
    const first = await (await put([doc("document-one-aaaaaaaa", 0), doc("document-two-bbbbbbbb", 0)])).json();
    expect(first).toEqual({ rev: 2, accepted: [{ id: "document-one-aaaaaaaa", rev: 1 }, { id: "document-two-bbbbbbbb", rev: 2 }], rejected: [] });

    // Another device that saw rev 1 updates it; a third that still thinks it is new (baseRev 0) is refused.
    const second = await (await put([doc("document-one-aaaaaaaa", 1, { deleted: true }), doc("document-two-bbbbbbbb", 0)])).json();
    expect(second).toEqual({ rev: 3, accepted: [{ id: "document-one-aaaaaaaa", rev: 3 }], rejected: [{ id: "document-two-bbbbbbbb", rev: 2 }] });

    const all = await (await cloud.api("/api/sync/state?since=0")).json();
    expect(all).toMatchObject({ space: "default", rev: 3, more: false });
    expect(all.documents.map((d: any) => [d.id, d.rev, d.deleted])).toEqual([["document-two-bbbbbbbb", 2, false], ["document-one-aaaaaaaa", 3, true]]);
    expect(all.documents[1].ciphertext).toBe("s1.opaque.document-one-aaaaaaaa.1");

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

  test("bad input is a 400 naming the field", async () => {
    const res = await put([{ ...doc("short", 0) }]);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/documents\.0\.id/);
    expect((await cloud.api("/api/sync/state?since=-1")).status).toBe(400);
  });

  test("the status of a gateway without CLOUD_URL says sync is off", async () => {
    expect(await (await cloud.api("/api/sync/status")).json()).toMatchObject({ enabled: false, cloudUrl: null, lastError: null, conflicts: [] });
  });
});
