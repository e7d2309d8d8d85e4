// End-to-end keys of cloud sync: derived from the shared passphrase and the space's random salt; the cloud sees only opaque ids and AES-256-GCM ciphertext.
import { DOCUMENT_FORMAT } from "./protocol.ts";

/** scrypt cost: ~100 ms once per start, so guessing passphrases from a stolen copy is slow. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/** What a document's ciphertext is bound to besides its bytes: where it lives and which version of the item it is. */
export interface DocumentBinding {
  kind: string;
  id: string;
  /** When its author changed it (ms): the cloud and devices refuse a document older than the one it would replace. */
  updatedAt: number;
  deleted: boolean;
}

export interface SyncKeys {
  /** The cloud's id for an item: an HMAC, so it names no provider, model or combo. */
  documentId(kind: string, localId: string): string;
  /** Encrypt a document bound to its space, kind, id, time and deletion (a document moved, re-dated or revived does not open). */
  seal(binding: DocumentBinding, plaintext: string): string;
  /** Throws when the passphrase differs, the ciphertext was altered, or the cloud's facts about it were. */
  open(binding: DocumentBinding, sealed: string): string;
  /** A keyed digest of an item's content, to notice local changes without keeping credentials in the clear. */
  digest(content: string): string;
  /** Changes when the passphrase, space, salt or cloud changes: what was synced before no longer applies. */
  fingerprint(cloudUrl: string): string;
}

async function deriveMaster(passphrase: string, salt: string): Promise<Buffer> {
  const { scrypt } = await import("node:crypto");
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize("NFC"), salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Keys for one sync space: `salt` is the space's random salt the cloud keeps (POST /api/sync/space), the same for every device. */
export async function deriveSyncKeys(passphrase: string, space: string, salt: string): Promise<SyncKeys> {
  const master = await deriveMaster(passphrase, `omniroute-sync/v2/${space}/${salt}`);
  // node:crypto loads once sync is configured, not at every boot.
  const { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } = await import("node:crypto");
  const subkey = (info: string) => Buffer.from(hkdfSync("sha256", master, "", info, 32));
  const encKey = subkey("omniroute-sync document encryption");
  const idKey = subkey("omniroute-sync document ids");
  const hmac = (input: string) => createHmac("sha256", idKey).update(input).digest("base64url");
  const aad = (b: DocumentBinding) =>
    Buffer.from(`${DOCUMENT_FORMAT}\n${space}\n${b.kind}\n${b.id}\n${b.updatedAt}\n${b.deleted ? 1 : 0}`, "utf8");
  return {
    documentId: (kind, localId) => hmac(`id\n${kind}\n${localId}`),
    digest: (content) => hmac(`digest\n${content}`),
    fingerprint: (cloudUrl) => hmac(`fingerprint\n${cloudUrl}`).slice(0, 16),
    seal(binding, plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", encKey, iv);
      cipher.setAAD(aad(binding));
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [DOCUMENT_FORMAT, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
    },
    open(binding, sealed) {
      const [version, iv, tag, data] = sealed.split(".");
      if (version !== DOCUMENT_FORMAT || !iv || !tag || data === undefined)
        throw new Error(`not a sync document (expected the ${DOCUMENT_FORMAT} format)`);
      const decipher = createDecipheriv("aes-256-gcm", encKey, Buffer.from(iv, "base64url"));
      decipher.setAAD(aad(binding));
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
