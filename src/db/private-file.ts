// Files holding credentials or prompts (the database, the request log, backups) are created 0600, whatever the folder's mode or umask.
import { chmodSync, closeSync, openSync } from "node:fs";

/** Create `path` empty with mode 0600 when missing, or take group and other access away when it exists. */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, "a", 0o600));
  chmodSync(path, 0o600);
}
