// The fingerprints of the three secrets every instance on one PostgreSQL must share, kept in settings by the first instance.
import { eq } from "drizzle-orm";
import { first, type Store } from "../store.ts";

export const SHARED_SECRETS_KEY = "cluster.secrets";

export type SecretFingerprints = Readonly<{ jwtSecret: string; apiKeySecret: string; encryptionKey: string }>;

/** Keeps `prints` if the database has none yet, and returns what it has then (the first instance's). */
export async function claimSecretFingerprints(s: Store, prints: SecretFingerprints): Promise<SecretFingerprints> {
  await s.db
    .insert(s.t.settings)
    .values({ key: SHARED_SECRETS_KEY, value: prints, updatedAt: Date.now() })
    .onConflictDoNothing({ target: s.t.settings.key });
  const row = first(await s.db.select({ value: s.t.settings.value }).from(s.t.settings).where(eq(s.t.settings.key, SHARED_SECRETS_KEY)));
  return (row?.value ?? prints) as SecretFingerprints;
}
