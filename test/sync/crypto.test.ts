// Sync keys: same passphrase, space and salt -> same keys; documents bound to their id, kind, time and deletion; nothing readable without the passphrase.
import { describe, expect, test } from "bun:test";
import { canonicalJson, deriveSyncKeys, type DocumentBinding } from "../../src/sync/crypto.ts";

const SALT = "random-space-salt-from-the-cloud-0123";
const at = (kind: string, id: string, updatedAt = 1_700_000_000_000, deleted = false): DocumentBinding => ({
  kind,
  id,
  updatedAt,
  deleted,
});

describe("deriveSyncKeys", () => {
  test("two devices with the same passphrase, space and salt read each other's documents", async () => {
    const one = await deriveSyncKeys("correct horse battery staple", "default", SALT);
    const two = await deriveSyncKeys("correct horse battery staple", "default", SALT);
    const id = one.documentId("combo", "0193-combo-id");
    expect(two.documentId("combo", "0193-combo-id")).toBe(id);
    const sealed = one.seal(at("combo", id), '{"name":"team-fast"}');
    expect(sealed).toStartWith("s2.");
    expect(sealed).not.toContain("team-fast");
    expect(two.open(at("combo", id), sealed)).toBe('{"name":"team-fast"}');
    expect(one.digest("x")).toBe(two.digest("x"));
  });

  test("another passphrase, space or salt opens nothing and names items differently", async () => {
    const one = await deriveSyncKeys("correct horse battery staple", "default", SALT);
    const others = await Promise.all([
      deriveSyncKeys("correct horse battery stapler", "default", SALT),
      deriveSyncKeys("correct horse battery staple", "work", SALT),
      deriveSyncKeys("correct horse battery staple", "default", "another-space-salt-0123456789"),
    ]);
    const id = one.documentId("combo", "c1");
    const sealed = one.seal(at("combo", id), "secret");
    for (const other of others) {
      expect(() => other.open(at("combo", id), sealed)).toThrow();
      expect(other.documentId("combo", "c1")).not.toBe(id);
    }
  });

  test("a document moved to another id or kind, re-dated, revived or altered does not open", async () => {
    const keys = await deriveSyncKeys("correct horse battery staple", "default", SALT);
    const id = keys.documentId("connection", "a");
    const other = keys.documentId("connection", "b");
    const sealed = keys.seal(at("connection", id, 1000), '{"apiKey":"sk-1"}');
    expect(keys.open(at("connection", id, 1000), sealed)).toBe('{"apiKey":"sk-1"}');
    expect(() => keys.open(at("connection", other, 1000), sealed)).toThrow();
    expect(() => keys.open(at("combo", id, 1000), sealed)).toThrow();
    // The time the cloud stores beside it is the time sealed inside: a replay cannot claim to be newer.
    expect(() => keys.open(at("connection", id, 2000), sealed)).toThrow();
    expect(() => keys.open(at("connection", id, 1000, true), sealed)).toThrow();
    const [v, iv, tag, data] = sealed.split(".");
    const flipped = `${v}.${iv}.${tag}.${data![0] === "A" ? "B" : "A"}${data!.slice(1)}`;
    expect(() => keys.open(at("connection", id, 1000), flipped)).toThrow();
  });

  test("document ids are opaque and canonical JSON ignores key order", async () => {
    const keys = await deriveSyncKeys("correct horse battery staple", "default", SALT);
    expect(keys.documentId("model", "myfake/secret-model")).toMatch(/^[\w-]{43}$/);
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});
