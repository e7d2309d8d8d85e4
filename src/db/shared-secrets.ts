// Instances on one PostgreSQL must have the same three secrets: the first keeps their fingerprints, the others are checked against them at start.
import { ConfigError } from "../config-error.ts";
import { claimSecretFingerprints, type SecretFingerprints } from "./queries/shared-secrets.ts";
import type { Store } from "./store.ts";

const NAMES: Record<keyof SecretFingerprints, string> = {
  jwtSecret: "JWT_SECRET",
  apiKeySecret: "API_KEY_SECRET",
  encryptionKey: "ENCRYPTION_KEY",
};

/** An HMAC of a fixed text under the secret: equal for equal secrets, and no help in guessing one. */
function fingerprint(secret: string): string {
  return new Bun.CryptoHasher("sha256", secret).update("omniroute shared-secret fingerprint v1").digest("hex");
}

/**
 * Throws a ConfigError naming each secret that differs from the one the database was first used with: an instance
 * with another ENCRYPTION_KEY could not open the credentials the others sealed (and would seal new ones they cannot
 * open), another API_KEY_SECRET would refuse every client key, another JWT_SECRET would sign everyone out.
 */
export async function checkSharedSecrets(store: Store, secrets: Record<keyof SecretFingerprints, string>): Promise<void> {
  const mine: SecretFingerprints = {
    jwtSecret: fingerprint(secrets.jwtSecret),
    apiKeySecret: fingerprint(secrets.apiKeySecret),
    encryptionKey: fingerprint(secrets.encryptionKey),
  };
  const kept = await claimSecretFingerprints(store, mine);
  const differ = (Object.keys(NAMES) as Array<keyof SecretFingerprints>)
    .filter((name) => kept[name] !== mine[name])
    .map((name) => NAMES[name]);
  if (differ.length)
    throw new ConfigError(
      `Refusing to start: ${differ.join(", ")} ${differ.length > 1 ? "differ" : "differs"} from the value the other instances on ${store.where} use. ` +
        "Every instance on one database needs the same JWT_SECRET, API_KEY_SECRET and ENCRYPTION_KEY: copy them from the others' environment.",
    );
}
