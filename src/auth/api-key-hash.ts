// Client API keys: generated with a recognisable prefix, stored only as an HMAC-SHA256 under API_KEY_SECRET.

export const API_KEY_PREFIX = "sk-omni-";

export function generateApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return API_KEY_PREFIX + Buffer.from(bytes).toString("base64url");
}

export function createKeyHasher(secret: string): (key: string) => string {
  return function hashApiKey(key: string): string {
    return new Bun.CryptoHasher("sha256", secret).update(key).digest("hex");
  };
}
