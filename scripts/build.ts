// Bundles the server into dist/main.js (+ its lazily loaded chunks); `bun run start` runs this, then the bundle.
// dist/ sits beside src/, so the bundle finds drizzle/ and static/ exactly as src/main.ts does (src/assets.ts).
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BUNDLE_FLAGS, ENTRY } from "./bundle.ts";

const ROOT = join(import.meta.dir, "..");
const dist = join(ROOT, "dist");
// Built aside and renamed in: a gateway already running from dist/ (a second instance) never reads a half-written
// file. The staging folder sits at dist/'s depth, so the source maps' relative paths stay right after the move.
const staging = join(ROOT, `.dist-${process.pid}`);
mkdirSync(dist, { recursive: true });
let exitCode = 1;
try {
  const args = ["build", ENTRY, "--target=bun", ...BUNDLE_FLAGS, "--sourcemap=linked", "--outdir", staging];
  const proc = Bun.spawnSync([process.execPath, ...args], {
    cwd: ROOT,
    // The bundler's per-file report is noise at every start; its errors still reach the terminal.
    stdout: "ignore",
    stderr: "inherit",
  });
  exitCode = proc.exitCode ?? 1;
  if (exitCode === 0) for (const file of readdirSync(staging)) renameSync(join(staging, file), join(dist, file));
} finally {
  rmSync(staging, { recursive: true, force: true });
}
process.exit(exitCode);
