// Takes the database out of an uploaded exportAll .tar.gz: one regular file by its known name, nothing else, never outside the folder.
import { createReadStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ReadEntry, Unpack } from "tar";
import { GatewayError } from "../canonical/errors.ts";
import { DB_FILENAME } from "../db/client.ts";

const GZIP_MAGIC = [0x1f, 0x8b];
/** Room for the JSON documents beside the database in an export. */
const ARCHIVE_EXTRA_BYTES = 16 * 1024 * 1024;

export async function isGzip(path: string): Promise<boolean> {
  const head = new Uint8Array(await Bun.file(path).slice(0, 2).arrayBuffer());
  return head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

const unprocessable = (message: string, code: string) => new GatewayError("unprocessable", message, { code, param: "file" });

/** Why an entry may not be unpacked anywhere, or undefined when it is a plain relative path. */
function unsafeReason(entry: ReadEntry): string | undefined {
  const path = entry.path;
  if (entry.type === "SymbolicLink" || entry.type === "Link")
    return `${path} is a ${entry.type === "Link" ? "hard link" : "symbolic link"}`;
  if (path.startsWith("/") || /^[a-z]:/i.test(path) || path.startsWith("\\")) return `${path} is an absolute path`;
  if (path.split(/[\\/]/).includes("..")) return `${path} climbs out of the folder ("..")`;
  if (entry.type !== "File" && entry.type !== "OldFile" && entry.type !== "Directory") return `${path} is a ${entry.type} entry`;
  return undefined;
}

/**
 * Unpack only `omniroute.sqlite` from the archive into `dir` and return its path. Any link, absolute path or
 * `..` in the archive refuses the whole archive (it was not made by OmniRoute); other files are skipped unread.
 */
export async function databaseFromArchive(archive: string, dir: string, maxBytes: number): Promise<string> {
  const target = join(dir, "archive");
  mkdirSync(target, { recursive: true, mode: 0o700 });
  const unsafe: string[] = [];
  let found = false;
  let oversized = false;
  let declared = 0;
  // Loaded at the first import, not at boot (tar brings node:zlib and node:stream).
  const { Unpack } = await import("tar");
  const unpack: Unpack = new Unpack({
    cwd: target,
    strict: true,
    preservePaths: false,
    preserveOwner: false,
    // A small gzip that inflates to gigabytes is cut off early (a real export compresses far less).
    maxDecompressionRatio: 200,
    filter: (path, entry) => {
      if (!("type" in entry)) return false;
      declared += entry.size ?? 0;
      if (declared > maxBytes + ARCHIVE_EXTRA_BYTES) {
        oversized = true;
        unpack.abort(new Error("the archive is larger than the import limit"));
        return false;
      }
      const reason = unsafeReason(entry);
      if (reason) {
        unsafe.push(reason);
        return false;
      }
      if (entry.type === "Directory" || path.replace(/^\.\//, "") !== DB_FILENAME || found) return false;
      found = true;
      return true;
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      unpack.on("error", reject);
      unpack.on("close", () => resolve());
      const source = createReadStream(archive);
      source.on("error", reject);
      source.pipe(unpack);
    });
  } catch (err) {
    if (oversized)
      throw new GatewayError("payload_too_large", "The archive unpacks to more than the import limit.", {
        code: "file_too_large",
        param: "file",
      });
    throw unprocessable(`The archive cannot be read: ${err instanceof Error ? err.message : String(err)}.`, "bad_archive");
  }
  if (unsafe.length)
    throw unprocessable(
      `The archive was refused (OmniRoute never writes such entries): ${unsafe.slice(0, 5).join("; ")}.`,
      "unsafe_archive",
    );
  if (!found)
    throw unprocessable(
      `The archive has no ${DB_FILENAME}: upload an OmniRoute "export all" archive or a .sqlite file.`,
      "missing_database",
    );
  return join(target, DB_FILENAME);
}
