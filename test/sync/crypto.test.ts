// Sync keys: same passphrase and space -> same keys; documents bound to their id; nothing readable without the passphrase.
import { describe, expect, test } from "bun:test";
import { canonicalJson, deriveSyncKeys } from "../../src/sync/crypto.ts";

describe("deriveSyncKeys", () => {
  test("two devices with the same passphrase and space read each other's documents", async () => {
    const one = await deriveSyncKeys("correct horse battery staple", "default");
    const two = await deriveSyncKeys("correct horse battery staple", "default");
    const id = one.documentId("combo", "0193-combo-id");
    expect(two.documentId("combo", "0193-combo-id")).toBe(id);
    const sealed = one.seal("combo", id, '{"name":"team-fast"}');
    expect(sealed).not.toContain("team-fast");
    expect(two.open("combo", id, sealed)).toBe('{"name":"team-fast"}');
    expect(one.digest("x")).toBe(two.digest("x"));
  });

  test("another passphrase or another space opens nothing and names items differently", async () => {
    const one = await deriveSyncKeys("correct horse battery staple", "default");
    const wrong = await deriveSyncKeys("correct horse battery stapler", "default");
    const otherSpace = await deriveSyncKeys("correct horse battery staple", "work");
    const id = one.documentId("combo", "c1");
    const sealed = one.seal("combo", id, "secret");
    expect(() => wrong.open("combo", id, sealed)).toThrow();
    expect(() => otherSpace.open("combo", id, sealed)).toThrow();
    expect(wrong.documentId("combo", "c1")).not.toBe(id);
    expect(otherSpace.documentId("combo", "c1")).not.toBe(id);
  });

  test("a document moved to another id or kind, or altered, does not open", async () => {
    const keys = await deriveSyncKeys("correct horse battery staple", "default");
    const id = keys.documentId("connection", "a");
    const other = keys.documentId("connection", "b");
    const sealed = keys.seal("connection", id, '{"apiKey":"sk-1"}');
    expect(() => keys.open("connection", other, sealed)).toThrow();
    expect(() => keys.open("combo", id, sealed)).toThrow();
    const [v, iv, tag, data] = sealed.split(".");
    const flipped = `${v}.${iv}.${tag}.${data![0] === "A" ? "B" : "A"}${data!.slice(1)}`;
    expect(() => keys.open("connection", id, flipped)).toThrow();
  });

  test("document ids are opaque and canonical JSON ignores key order", async () => {
    const keys = await deriveSyncKeys("correct horse battery staple", "default");
    expect(keys.documentId("model", "myfake/secret-model")).toMatch(/^[\w-]{43}$/);
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});
