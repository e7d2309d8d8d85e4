// The secrets the operator did not set: generated at random on first start and kept in DATA_DIR/secrets.json (0600).
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../config.ts";

export const SECRETS_FILENAME = "secrets.json";
/** The database file name (src/db/client.ts): its presence says the folder was in use before secrets were generated. */
const DATABASE_FILENAME = "omniroute.sqlite";

const StoredSecretsSchema = z.object({
  jwtSecret: z.string().min(16),
  apiKeySecret: z.string().min(16),
  encryptionKey: z.string().min(16),
  createdAt: z.string(),
  /** Set when the file was created beside a database written under the public defaults (an upgrade). */
  legacyDefaults: z.boolean().optional(),
});
export type StoredSecrets = z.infer<typeof StoredSecretsSchema>;

const randomSecret = () => randomBytes(32).toString("hex");

/** The data folder, created 0700 (and tightened to 0700 when it is ours and more open). */
export function ensurePrivateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    if ((statSync(dataDir).mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
  } catch {
    // Not ours (a mounted volume owned by another user): the files inside are still created 0600.
  }
}

/** Write `text` to `path` so that a crash leaves either the old file or the whole new one: temp file, fsync, rename. */
export function writeFileAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** The stored secrets, creating the file (and the folder) on first start. A damaged file stops startup: it is never overwritten. */
export function readOrCreateSecrets(dataDir: string): { secrets: StoredSecrets; created: boolean } {
  ensurePrivateDataDir(dataDir);
  const path = join(dataDir, SECRETS_FILENAME);
  if (existsSync(path)) {
    let parsed: StoredSecrets | undefined;
    try {
      parsed = StoredSecretsSchema.parse(JSON.parse(readFileSync(path, "utf8")));
    } catch (err) {
      throw new ConfigError(
        `${path} is unreadable (${err instanceof Error ? err.message.split("\n")[0] : String(err)}). Restore it from the backup kept with the database, ` +
          "or set JWT_SECRET, API_KEY_SECRET and ENCRYPTION_KEY to the values it held. Deleting it generates new secrets: sessions end, API keys and stored credentials stop working.",
      );
    }
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return { secrets: parsed, created: false };
  }
  const secrets: StoredSecrets = {
    jwtSecret: randomSecret(),
    apiKeySecret: randomSecret(),
    encryptionKey: randomSecret(),
    createdAt: new Date().toISOString(),
    ...(existsSync(join(dataDir, DATABASE_FILENAME)) ? { legacyDefaults: true } : {}),
  };
  writeFileAtomically(path, `${JSON.stringify(secrets, null, 2)}\n`);
  return { secrets, created: true };
}
