// AES-256-GCM encryption of secrets at rest (provider credentials, proxy passwords), key derived from ENCRYPTION_KEY.
import type * as NodeCrypto from "node:crypto";

const VERSION = "v1";

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/**
 * node:crypto (its AES-GCM) is loaded at the first seal or open, not at boot: the module is a large part of Bun's
 * built-in JavaScript, and a gateway without a stored credential never needs it. Bun's `require` loads it synchronously.
 */
let nodeCrypto: typeof NodeCrypto | undefined;
const cipherModule = (): typeof NodeCrypto => (nodeCrypto ??= require("node:crypto") as typeof NodeCrypto);

const hmacSha256 = (key: string | Uint8Array, data: string | Uint8Array) =>
  new Bun.CryptoHasher("sha256", key).update(data).digest() as Buffer;

/** HKDF-SHA256 (RFC 5869) of `secret`, salt "omniroute", info "provider-credentials", 32 bytes: one HMAC block. */
const deriveKey = (secret: string) => hmacSha256(hmacSha256("omniroute", secret), "provider-credentials\x01");

function openWith(key: Buffer, iv: string, tag: string, data: string): string {
  const decipher = cipherModule().createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

/**
 * A box keyed by HKDF-SHA256(secret). Sealed form: `v1.<iv b64url>.<tag b64url>.<ciphertext b64url>`.
 * `older` secrets still open what they sealed (a data folder from before its secrets were generated); new seals use `secret`.
 */
export function createSecretBox(secret: string, older: readonly string[] = []): SecretBox {
  const key = deriveKey(secret);
  const olderKeys = older.map(deriveKey);
  return {
    seal(plaintext) {
      const iv = Buffer.from(crypto.getRandomValues(new Uint8Array(12)));
      const cipher = cipherModule().createCipheriv("aes-256-gcm", key, iv);
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split(".");
      if (version !== VERSION || !iv || !tag || data === undefined) throw new Error("Unrecognised sealed secret");
      try {
        return openWith(key, iv, tag, data);
      } catch (err) {
        for (const k of olderKeys) {
          try {
            return openWith(k, iv, tag, data);
          } catch {
            // the next one
          }
        }
        throw err;
      }
    },
  };
}

/** `sk-abc…wxyz`: enough to recognise a secret, never enough to use it. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return "••••";
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}
