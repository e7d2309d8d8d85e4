// The secrets the operator did not set: generated at random on first start and kept in DATA_DIR/secrets.json (0600).
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../config-error.ts";

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

// WebCrypto's random values, not node:crypto: no boot loads that module just for random bytes.
const randomHex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
const randomSecret = () => randomHex(32);

/**
 * The data folder, created 0700. An existing one more open is tightened when it is ours and holds nothing but
 * OmniRoute's files (never a shared folder such as /tmp given as DATA_DIR); the files inside are 0600 either way.
 */
export function ensurePrivateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    const stat = statSync(dataDir);
    if ((stat.mode & 0o077) === 0 || (process.getuid && stat.uid !== process.getuid())) return;
    const entries = readdirSync(dataDir);
    if (!entries.length || entries.includes(DATABASE_FILENAME) || entries.includes(SECRETS_FILENAME)) chmodSync(dataDir, 0o700);
  } catch {
    // Not ours to change (a mounted volume): the files inside are still created 0600.
  }
}

/** Make the rename (or link) that published a file survive a power cut: fsync its folder where the OS allows it. */
function syncFolder(path: string): void {
  try {
    const fd = openSync(dirname(path), "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every file system lets a folder be opened for fsync; the file's own fsync already ran.
  }
}

/** The whole of `text` in a fresh 0600 temp file beside `path`, on disk. */
function writeTemp(path: string, text: string): string {
  const temp = `${path}.${process.pid}.${randomHex(4)}.tmp`;
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/**
 * Publish `text` at `path` whole (written to a temp file and fsynced first, so a crash never leaves half of it) and
 * only if nothing is there yet (a hard link fails when the name exists): two gateways starting at once on a new
 * folder never end up with different secrets. False when it existed.
 */
function createFileExclusively(path: string, text: string): boolean {
  const temp = writeTemp(path, text);
  try {
    linkSync(temp, path);
  } catch (err) {
    if ((err as { code?: string }).code === "EEXIST") return false;
    // A file system without hard links: fall back to a rename (whole, though not exclusive).
    renameSync(temp, path);
    syncFolder(path);
    return true;
  } finally {
    rmSync(temp, { force: true });
  }
  syncFolder(path);
  return true;
}

/** The stored secrets, creating the file (and the folder) on first start. A damaged file stops startup: it is never overwritten. */
export function readOrCreateSecrets(dataDir: string): { secrets: StoredSecrets; created: boolean } {
  ensurePrivateDataDir(dataDir);
  const path = join(dataDir, SECRETS_FILENAME);
  if (!existsSync(path)) {
    const secrets: StoredSecrets = {
      jwtSecret: randomSecret(),
      apiKeySecret: randomSecret(),
      encryptionKey: randomSecret(),
      createdAt: new Date().toISOString(),
      ...(existsSync(join(dataDir, DATABASE_FILENAME)) ? { legacyDefaults: true } : {}),
    };
    if (createFileExclusively(path, `${JSON.stringify(secrets, null, 2)}\n`)) return { secrets, created: true };
    // Another gateway created it a moment ago: use its secrets.
  }
  let parsed: StoredSecrets;
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
