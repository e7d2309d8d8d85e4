// `bun run test/bench/idle-rss.ts`: what each rarely used part costs an idle gateway. The bundle is built once whole and
// once per part with that part's mount replaced by an empty one (then with all of them at once, and without prom-client's
// process metrics); each is booted on a fresh DATA_DIR and its RSS read. Then where the whole gateway's memory comes
// from as it boots (RssAnon and RssFile after each step of src/main.ts), what Bun itself needs here (a timer, Bun.serve,
// bun:sqlite and fetch; each also with --smol), the gateway's modules evaluated with nothing started, and the whole
// gateway with --smol.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BunPlugin } from "bun";
import { installCleanup, killAll, ROOT, rssMb, spawnTracked, startGateway, stopChild, tempDir, waitForLine } from "./procs.ts";
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

/** prom-client's process_* and nodejs_* metrics (collectDefaultMetrics) left out: what they cost, not a variant to ship. */
const NO_DEFAULT_METRICS = {
  file: /prom-client\/lib\/defaultMetrics\.js$/,
  stub: "module.exports = function collectDefaultMetrics() {};\n",
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
  return bundleEntry(join(ROOT, "src/main.ts"), dir, plugins);
}

async function bundleEntry(entry: string, dir: string, plugins: BunPlugin[] = []): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = await Bun.build({
    entrypoints: [entry],
    outdir: dir,
    target: "bun",
    splitting: true,
    naming: { chunk: "chunk-[name].[ext]" },
    minify: { whitespace: true, syntax: true },
    plugins,
  });
  if (!out.success) throw new Error(out.logs.join("\n"));
  return join(
    dir,
    out.outputs
      .find((o) => o.kind === "entry-point")!
      .path.split("/")
      .pop()!,
  );
}

/** Median idle RSS of `boots` fresh boots, read once listening settled (Bun.shrink has run). */
async function idleRss(entry: string, boots: number, bunArgs: string[] = []): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < boots; i++) {
    const gw = await startGateway(tempDir("omniroute-idle-"), { via: "bundle", entry, bunArgs });
    await fetch(`${gw.url}/healthz`).then((r) => r.arrayBuffer());
    await Bun.sleep(1000);
    samples.push(rssMb(gw.child.pid));
    await stopChild(gw.child, 5000);
  }
  return median(samples);
}

/** RssAnon and RssFile of a process in MB: the memory it allocated, and the pages of files (Bun's executable) it touched. */
function rssParts(pid: number): { anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const mb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
  return { anon: mb("RssAnon"), file: mb("RssFile") };
}

/**
 * Where in src/main.ts's start-up to read the memory: each statement, and whether the reading goes before or after it.
 * A statement no longer found stops the bench (main.ts changed: update this list), rather than report a wrong step.
 */
const PHASES: { label: string; statement: string; at: "before" | "after" }[] = [
  { label: "modules evaluated (every import)", statement: "const FLUSH_INTERVAL_MS", at: "before" },
  { label: "configuration and secrets loaded", statement: "const store = await openStore(config);", at: "before" },
  { label: "database opened and migrated", statement: "const store = await openStore(config);", at: "after" },
  { label: "services created", statement: "const services = await createServices(config, store);", at: "after" },
  { label: "app and its routes made", statement: "const app = createApp(services);", at: "after" },
  { label: "Bun.serve listening", statement: "const saver = startPeriodicSave(", at: "before" },
];

/** src/main.ts printing RssAnon and RssFile at each of PHASES (lines "IDLE-PHASE <index> <anon kB> <file kB>" on stderr). */
const withPhases: BunPlugin = {
  name: "boot-phases",
  setup(build) {
    build.onLoad({ filter: /src\/main\.ts$/ }, async (args) => {
      let source = await Bun.file(args.path).text();
      PHASES.forEach(({ statement, at }, i) => {
        const where = source.indexOf(statement);
        if (where < 0) throw new Error(`src/main.ts no longer has "${statement}": update PHASES in test/bench/idle-rss.ts`);
        const end = at === "before" ? where : source.indexOf("\n", where) + 1;
        source = `${source.slice(0, end)}idlePhase(${i});\n${source.slice(end)}`;
      });
      const probe = `function idlePhase(i: number) {
  const status = require("node:fs").readFileSync("/proc/self/status", "utf8") as string;
  const kb = (field: string) => new RegExp(field + ":\\\\s+(\\\\d+) kB").exec(status)?.[1];
  process.stderr.write("IDLE-PHASE " + i + " " + kb("RssAnon") + " " + kb("RssFile") + "\\n");
}
`;
      return { contents: source + probe, loader: "ts" };
    });
  },
};

/** The whole gateway's memory after each step of its start-up, then once idle (median of each over `boots` boots). */
async function phaseLines(boots: number): Promise<string[]> {
  const dir = join(ROOT, ".idle-rss-phases");
  const samples: { anon: number; file: number }[][] = [];
  try {
    const entry = await bundle(dir, [withPhases]);
    for (let b = 0; b < boots; b++) {
      const gw = await startGateway(tempDir("omniroute-idle-"), { via: "bundle", entry });
      await fetch(`${gw.url}/healthz`).then((r) => r.arrayBuffer());
      await Bun.sleep(1000);
      const idle = rssParts(gw.child.pid);
      const steps: { anon: number; file: number }[] = [];
      for (const line of gw.tail().split("\n")) {
        const m = /IDLE-PHASE (\d+) (\d+) (\d+)/.exec(line);
        if (m) steps[Number(m[1])] = { anon: Number(m[2]) / 1024, file: Number(m[3]) / 1024 };
      }
      samples.push([...steps, idle]);
      await stopChild(gw.child, 5000);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const labels = [...PHASES.map((p) => p.label), "idle: first /healthz answered, then 1 s (Bun.shrink has run)"];
  let previous: number | undefined;
  return labels.map((label, i) => {
    const anon = median(samples.map((s) => s[i]?.anon ?? NaN));
    const file = median(samples.map((s) => s[i]?.file ?? NaN));
    const added = previous === undefined ? "" : `${anon + file - previous >= 0 ? "+" : ""}${(anon + file - previous).toFixed(1)} MB`;
    previous = anon + file;
    return `| ${label} | ${(anon + file).toFixed(1)} MB | ${anon.toFixed(1)} MB | ${file.toFixed(1)} MB | ${added} |`;
  });
}

/**
 * What Bun itself needs here, for comparison: scripts that print a "listening on" line and idle. Each adds one thing:
 * Bun.serve, then bun:sqlite with a query, then one fetch (the gateway uses all three).
 */
const BUN_FLOOR: Record<string, string> = {
  "Bun alone (a timer)": `console.error("listening on http://none"); setInterval(() => {}, 1e6);`,
  "Bun.serve hello world": `const s = Bun.serve({ port: 0, fetch: () => new Response("hi") }); console.error("listening on " + s.url);`,
  "Bun.serve + bun:sqlite + one fetch": `import { Database } from "bun:sqlite"; new Database(":memory:").query("select 1").get();
    await fetch("http://127.0.0.1:9/").catch(() => {});
    const s = Bun.serve({ port: 0, fetch: () => new Response("hi") }); console.error("listening on " + s.url);`,
};

/** The gateway's modules evaluated (everything main.ts imports), nothing opened or started. */
const MODULES_ONLY = `import { createApp } from "../src/app.ts";
import { runCommand } from "../src/cli.ts";
import { openDataDir } from "../src/db/client.ts";
import { createServices } from "../src/services.ts";
(globalThis as Record<string, unknown>).kept = [createApp, runCommand, openDataDir, createServices];
console.error("listening on http://none");
setTimeout(() => Bun.shrink(), 500);
setInterval(() => {}, 1e6);
`;

/** Median RSS of `boots` runs of a script, 1 s after its "listening" line. */
async function scriptRss(file: string, boots: number, bunArgs: string[]): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < boots; i++) {
    const child = spawnTracked([process.execPath, ...bunArgs, file], { stdout: "ignore" });
    await waitForLine(child.stderr as ReadableStream<Uint8Array>, /listening on/, 10_000).match;
    await Bun.sleep(1000);
    samples.push(rssMb(child.pid));
    await stopChild(child);
  }
  return median(samples);
}

async function floorLines(boots: number, whole: string): Promise<string[]> {
  const dir = tempDir("omniroute-idle-floor-");
  const lines: string[] = [];
  for (const [label, code] of Object.entries(BUN_FLOOR)) {
    const file = join(dir, `${lines.length}.ts`);
    writeFileSync(file, code);
    const plain = await scriptRss(file, boots, []);
    const smol = await scriptRss(file, boots, ["--smol"]);
    lines.push(`| ${label} | ${plain.toFixed(1)} MB | ${smol.toFixed(1)} MB |`);
  }
  // Bundled beside the gateway's bundle so its relative imports resolve from the repository's root.
  const modulesDir = join(ROOT, ".idle-rss-modules");
  mkdirSync(modulesDir, { recursive: true });
  writeFileSync(join(modulesDir, "entry.ts"), MODULES_ONLY);
  try {
    const modules = await bundleEntry(join(modulesDir, "entry.ts"), join(modulesDir, "out"));
    lines.push(`| the gateway's modules evaluated, nothing started | ${(await scriptRss(modules, boots, [])).toFixed(1)} MB | |`);
  } finally {
    rmSync(modulesDir, { recursive: true, force: true });
  }
  const gateway = await idleRss(whole, boots);
  const gatewaySmol = await idleRss(whole, boots, ["--smol"]);
  lines.push(`| the whole gateway, listening | ${gateway.toFixed(1)} MB | ${gatewaySmol.toFixed(1)} MB |`);
  return lines;
}

async function main() {
  installCleanup();
  const boots = Number(process.env.IDLE_BOOTS ?? 5);
  // At dist/'s depth: the bundle finds drizzle/ and static/ one level up (src/assets.ts).
  const whole = join(ROOT, ".idle-rss-whole");
  const part = join(ROOT, ".idle-rss-part");
  const lines: string[] = [];
  let floor: string[] = [];
  let phases: string[] = [];
  try {
    const wholeEntry = await bundle(whole, []);
    const all = await idleRss(wholeEntry, boots);
    lines.push(`| whole gateway | ${all.toFixed(1)} MB | |`);
    floor = await floorLines(boots, wholeEntry);
    for (const [label, { file, stub }] of Object.entries(PARTS)) {
      const rss = await idleRss(await bundle(part, [without(file, stub)]), boots);
      lines.push(`| without ${label} | ${rss.toFixed(1)} MB | ${(all - rss).toFixed(1)} MB |`);
    }
    const allParts = Object.values(PARTS).map(({ file, stub }) => without(file, stub));
    const withoutAll = await idleRss(await bundle(part, allParts), boots);
    lines.push(`| without all five parts above at once | ${withoutAll.toFixed(1)} MB | ${(all - withoutAll).toFixed(1)} MB |`);
    const noDefaults = await idleRss(await bundle(part, [without(NO_DEFAULT_METRICS.file, NO_DEFAULT_METRICS.stub)]), boots);
    lines.push(
      `| without prom-client's process_* and nodejs_* metrics | ${noDefaults.toFixed(1)} MB | ${(all - noDefaults).toFixed(1)} MB |`,
    );
    phases = await phaseLines(boots);
  } finally {
    for (const dir of [whole, part]) rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `Idle RSS (VmRSS, median of ${boots} boots on a fresh DATA_DIR, 1 s after listening)\n\n| bundle | idle RSS | the part costs |\n|---|---:|---:|\n${lines.join("\n")}\n`,
  );
  process.stdout.write(
    `\nThe whole gateway as it starts (src/main.ts; each step's figure as it stands then, garbage included; same median)\n\n| after | RSS | RssAnon | RssFile | added |\n|---|---:|---:|---:|---:|\n${phases.join("\n")}\n`,
  );
  process.stdout.write(`\nWhat Bun itself needs (same median)\n\n| process | RSS | with --smol |\n|---|---:|---:|\n${floor.join("\n")}\n`);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
} finally {
  killAll();
}
