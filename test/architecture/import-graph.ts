// The project's import graph, read from the sources: which file imports which, and whether only for types.
import { Glob } from "bun";
import { dirname, join, relative, resolve } from "node:path";

export interface ImportEdge {
  from: string;
  to: string;
  /** `import type` / `export type`: erased at build time, no runtime dependency. */
  typeOnly: boolean;
}

const ROOT = join(import.meta.dir, "..", "..");
const STATIC_IMPORT = /(?:^|\n)[ \t]*(?:import|export)[ \t]+(type[ \t]+)?(?:[^;"']*?[ \t]+from[ \t]+)?["']([^"']+)["']/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Every relative import in src/ and views/, as paths from the project root. */
export async function readImportGraph(): Promise<ImportEdge[]> {
  const edges: ImportEdge[] = [];
  for (const file of new Glob("{src,views}/**/*.{ts,tsx}").scanSync({ cwd: ROOT })) {
    const text = await Bun.file(join(ROOT, file)).text();
    const add = (spec: string, typeOnly: boolean) => {
      if (spec.startsWith(".")) edges.push({ from: file, to: relative(ROOT, resolve(ROOT, dirname(file), spec)), typeOnly });
    };
    for (const m of text.matchAll(STATIC_IMPORT)) add(m[2]!, Boolean(m[1]));
    for (const m of text.matchAll(DYNAMIC_IMPORT)) add(m[1]!, false);
  }
  return edges;
}

/** Groups of files that import each other at runtime (strongly connected components of more than one file). */
export function runtimeCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.typeOnly) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
