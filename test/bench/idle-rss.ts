// `bun run test/bench/idle-rss.ts`: what each rarely used part costs an idle gateway. The bundle is built once whole and
// once per part with that part's mount replaced by an empty one; each is booted on a fresh DATA_DIR and its RSS read.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { BunPlugin } from "bun";
import { installCleanup, killAll, ROOT, rssMb, startGateway, stopChild, tempDir } from "./procs.ts";
import { median } from "./report.ts";

const EMPTY_ROUTES = (name: string) => `import { Hono } from "hono";\nexport function ${name}() { return new Hono(); }\n`;

/** Each part: the module that mounts it, and what replaces it (the same export, mounting nothing). */
const PARTS: Record<string, { file: RegExp; stub: string }> = {
  "dashboard (pages, partials, views, static files)": {
    file: /src\/dashboard\/index\.tsx$/,
    stub: "export function mountDashboard() {}\n",
  },
  "OAuth flows (/api/oauth)": { file: /src\/api\/oauth\.ts$/, stub: EMPTY_ROUTES("oauthRoutes") },
  "backups (/api/db-backups: export, import, archives)": { file: /src\/api\/db-backups\.ts$/, stub: EMPTY_ROUTES("dbBackupRoutes") },
  "cloud sync, server side (/api/sync)": { file: /src\/api\/sync\.ts$/, stub: EMPTY_ROUTES("syncRoutes") },
  "media (embeddings, images, transcriptions)": { file: /src\/gateway\/media\/routes\.ts$/, stub: EMPTY_ROUTES("mediaRoutes") },
};

function without(file: RegExp, stub: string): BunPlugin {
  return {
    name: "without-part",
    setup(build) {
      build.onLoad({ filter: file }, () => ({ contents: stub, loader: "ts" }));
    },
  };
}

/** The bundle `bun run build` makes (scripts/bundle.ts), into a folder at dist/'s depth so it finds drizzle/ and static/. */
async function bundle(dir: string, plugins: BunPlugin[]): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = await Bun.build({
    entrypoints: [join(ROOT, "src/main.ts")],
    outdir: dir,
    target: "bun",
    splitting: true,
    naming: { chunk: "[name].[ext]" },
    minify: { whitespace: true, syntax: true },
    plugins,
  });
  if (!out.success) throw new Error(out.logs.join("\n"));
  return join(dir, "main.js");
}

/** Median idle RSS of `boots` fresh boots, read once listening settled (Bun.shrink has run). */
async function idleRss(entry: string, boots: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < boots; i++) {
    const gw = await startGateway(tempDir("omniroute-idle-"), { via: "bundle", entry });
    await fetch(`${gw.url}/healthz`).then((r) => r.arrayBuffer());
    await Bun.sleep(1000);
    samples.push(rssMb(gw.child.pid));
    await stopChild(gw.child, 5000);
  }
  return median(samples);
}

async function main() {
  installCleanup();
  const boots = Number(process.env.IDLE_BOOTS ?? 5);
  // At dist/'s depth: the bundle finds drizzle/ and static/ one level up (src/assets.ts).
  const whole = join(ROOT, ".idle-rss-whole");
  const part = join(ROOT, ".idle-rss-part");
  const lines: string[] = [];
  try {
    const all = await idleRss(await bundle(whole, []), boots);
    lines.push(`| whole gateway | ${all.toFixed(1)} MB | |`);
    for (const [label, { file, stub }] of Object.entries(PARTS)) {
      const rss = await idleRss(await bundle(part, [without(file, stub)]), boots);
      lines.push(`| without ${label} | ${rss.toFixed(1)} MB | ${(all - rss).toFixed(1)} MB |`);
    }
  } finally {
    for (const dir of [whole, part]) rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `Idle RSS (VmRSS, median of ${boots} boots on a fresh DATA_DIR, 1 s after listening)\n\n| bundle | idle RSS | the part costs |\n|---|---:|---:|\n${lines.join("\n")}\n`,
  );
}

try {
  await main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
} finally {
  killAll();
}
