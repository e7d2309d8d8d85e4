// How the server is bundled for production, shared by `bun run build` (dist/main.js) and `bun run build:binary`.
//
// Why bundle at all: the bundle is tree-shaken (zod's 40 locales, most of drizzle and jose never load) and
// needs no TypeScript transpiling at boot, which takes ~10 MB off the idle process and ~50 ms off startup.
// Splitting keeps code loaded by `import()` (OpenTelemetry tracing, parts used rarely) out of the entry chunk
// until first use. Identifiers are kept (and each build writes a source map), so stack traces stay readable.
export const BUNDLE_FLAGS = [
  "--minify-whitespace",
  "--minify-syntax",
  "--splitting",
  // Fixed chunk names: a rebuild overwrites the previous chunks instead of piling up hashed ones. The prefix keeps
  // the chunk of code shared by the entry and its lazily loaded parts (named after main.ts) apart from main.js.
  "--chunk-naming=chunk-[name].[ext]",
] as const;

export const ENTRY = "src/main.ts";
