// Builds one self-contained executable (dist/omniroute) carrying its migrations and static files.
import { Glob } from "bun";
import { join } from "node:path";
import { BUNDLE_FLAGS, ENTRY } from "./bundle.ts";

const ROOT = join(import.meta.dir, "..");
await import("./vendor-static.ts");

const assets = [...new Glob("drizzle/**/*").scanSync({ cwd: ROOT }), ...new Glob("static/**/*").scanSync({ cwd: ROOT })];
const outfile = process.argv[2] ?? join(ROOT, "dist/omniroute");
const args = [
  "build",
  "--compile",
  ...BUNDLE_FLAGS,
  "--sourcemap",
  "--asset-naming=[dir]/[name].[ext]",
  // Migrations' journal is read as a file, never bundled as a module.
  "--loader",
  ".json:file",
  ENTRY,
  ...assets,
  "--outfile",
  outfile,
];
const proc = Bun.spawnSync([process.execPath, ...args], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
process.exit(proc.exitCode ?? 1);
