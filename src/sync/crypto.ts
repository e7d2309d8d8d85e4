// End-to-end keys of cloud sync: derived from the shared passphrase; the cloud sees only opaque ids and AES-256-GCM ciphertext.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt } from "node:crypto";

const VERSION = "s1";

/** scrypt cost: ~100 ms once per start, so guessing passphrases from a stolen copy is slow. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

export interface SyncKeys {
  /** The cloud's id for an item: an HMAC, so it names no provider, model or combo. */
  documentId(kind: string, localId: string): string;
  /** Encrypt a document bound to its space, kind and id (a document moved to another id does not open). */
  seal(kind: string, id: string, plaintext: string): string;
  /** Throws when the passphrase differs or the ciphertext was altered. */
  open(kind: string, id: string, sealed: string): string;
  /** A keyed digest of an item's content, to notice local changes without keeping credentials in the clear. */
  digest(content: string): string;
  /** Changes when the passphrase, space or cloud changes: what was synced before no longer applies. */
  fingerprint(cloudUrl: string): string;
}

function deriveMaster(passphrase: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize("NFC"), salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Keys for one sync space: the salt is fixed per space, so every device with the passphrase derives the same keys. */
export async function deriveSyncKeys(passphrase: string, space: string): Promise<SyncKeys> {
  const master = await deriveMaster(passphrase, `omniroute-sync/v1/${space}`);
  const subkey = (info: string) => Buffer.from(hkdfSync("sha256", master, "", info, 32));
  const encKey = subkey("omniroute-sync document encryption");
  const idKey = subkey("omniroute-sync document ids");
  const hmac = (input: string) => createHmac("sha256", idKey).update(input).digest("base64url");
  const aad = (kind: string, id: string) => Buffer.from(`${VERSION}\n${space}\n${kind}\n${id}`, "utf8");
  return {
    documentId: (kind, localId) => hmac(`id\n${kind}\n${localId}`),
    digest: (content) => hmac(`digest\n${content}`),
    fingerprint: (cloudUrl) => hmac(`fingerprint\n${cloudUrl}`).slice(0, 16),
    seal(kind, id, plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", encKey, iv);
      cipher.setAAD(aad(kind, id));
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
    },
    open(kind, id, sealed) {
      const [version, iv, tag, data] = sealed.split(".");
      if (version !== VERSION || !iv || !tag || data === undefined) throw new Error(`not a sync document (expected the ${VERSION} format)`);
      const decipher = createDecipheriv("aes-256-gcm", encKey, Buffer.from(iv, "base64url"));
      decipher.setAAD(aad(kind, id));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
    },
  };
}

/** JSON with object keys sorted, so equal content always digests the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
