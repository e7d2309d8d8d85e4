// Files the server ships (migrations, static assets): read from the checkout, or from inside the compiled binary.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const ROOT = join(import.meta.dir, "..");

/** True when running as a `bun build --compile` executable with embedded files. */
export const isCompiled = Bun.embeddedFiles.length > 0;

function embedded(): Map<string, Blob> {
  const map = new Map<string, Blob>();
  for (const blob of Bun.embeddedFiles) map.set((blob as Blob & { name: string }).name, blob);
  return map;
}

let embeddedCache: Map<string, Blob> | undefined;

/** A shipped file by its path relative to the project root (e.g. `static/app.css`), or undefined. */
export function shippedFile(relPath: string): Blob | undefined {
  if (isCompiled) {
    embeddedCache ??= embedded();
    return embeddedCache.get(relPath);
  }
  const path = join(ROOT, relPath);
  return existsSync(path) ? Bun.file(path) : undefined;
}

let extracted: string | undefined;

/**
 * The drizzle migrations folder. In a checkout that is `drizzle/`; a compiled binary carries the
 * files and writes them once to a private temp folder, because drizzle's migrator reads a folder.
 */
export async function migrationsFolder(): Promise<string> {
  if (!isCompiled) return join(ROOT, "drizzle");
  if (extracted) return extracted;
  const dir = join(tmpdir(), `omniroute-migrations-${process.pid}`);
  for (const [name, blob] of (embeddedCache ??= embedded())) {
    if (!name.startsWith("drizzle/")) continue;
    const target = join(dir, name.slice("drizzle/".length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, new Uint8Array(await blob.arrayBuffer()));
  }
  extracted = dir;
  return dir;
}
