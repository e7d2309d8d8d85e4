// Credentials sealed at rest keep opening across versions: the key derivation (HKDF-SHA256) and the sealed form are fixed.
import { describe, expect, test } from "bun:test";
import { createSecretBox } from "../../src/auth/secret-box.ts";

/** Sealed by the version before this one (node:crypto's hkdfSync), as it sits in a database today. */
const SEALED_BEFORE = "v1.-9nzb3D64FySzzus.Bw2Ls4T-fXibhIAkvrgPug.KzMJJafDyfMZQnsKiuDCQIJzjCYWjQ";

describe("secret box", () => {
  test("a credential sealed by an earlier version opens with the same ENCRYPTION_KEY, and only with it", () => {
    expect(createSecretBox("a-data-folder-key-from-before").open(SEALED_BEFORE)).toBe('{"apiKey":"sk-before"}');
    expect(() => createSecretBox("another-key").open(SEALED_BEFORE)).toThrow();
  });

  test("what it seals it opens; each seal differs (a fresh IV)", () => {
    const box = createSecretBox("k");
    const a = box.seal("sk-upstream");
    expect(box.open(a)).toBe("sk-upstream");
    expect(box.seal("sk-upstream")).not.toBe(a);
  });
});
