// Records each conformance test's outcome as it finishes and writes the ingress x upstream matrix as Markdown.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { test } from "bun:test";
import type { FormatId } from "../../src/formats/types.ts";

interface Tally {
  passed: number;
  total: number;
  failed: string[];
}

const tallies = new Map<string, Tally>();
const key = (ingress: FormatId, upstream: FormatId) => `${ingress}->${upstream}`;

function tally(ingress: FormatId, upstream: FormatId): Tally {
  let t = tallies.get(key(ingress, upstream));
  if (!t) tallies.set(key(ingress, upstream), (t = { passed: 0, total: 0, failed: [] }));
  return t;
}

/** A bun test whose outcome counts in the (ingress, upstream) cell of the matrix. */
export function cellTest(title: string, ingress: FormatId, upstream: FormatId, fn: () => Promise<void>): void {
  test(title, async () => {
    const t = tally(ingress, upstream);
    t.total++;
    try {
      await fn();
      t.passed++;
    } catch (err) {
      t.failed.push(title);
      throw err;
    }
  });
}

/** `cases`: the names of the checks each cell runs (streamed and not), listed under the table. */
export function matrixMarkdown(formats: FormatId[], cases: string[] = []): string {
  const lines = [
    "# Conformance matrix",
    "",
    "Rows: the client's format (official SDK). Columns: the upstream's format (fake). Cells: tests passed / run.",
    "",
    `| ingress \\ upstream | ${formats.join(" | ")} |`,
    `|---|${formats.map(() => "---").join("|")}|`,
  ];
  let passed = 0;
  let total = 0;
  for (const ingress of formats) {
    const cells = formats.map((upstream) => {
      const t = tallies.get(key(ingress, upstream));
      if (!t) return "-";
      passed += t.passed;
      total += t.total;
      return `${t.passed}/${t.total}${t.passed === t.total ? "" : " ✗"}`;
    });
    lines.push(`| **${ingress}** | ${cells.join(" | ")} |`);
  }
  lines.push("", `Total: ${passed}/${total}.`);
  if (cases.length) lines.push("", `Each cell runs, streamed and not (where the pair applies): ${cases.join("; ")}.`);
  const failed = [...tallies.values()].flatMap((t) => t.failed);
  if (failed.length) lines.push("", "Failed:", "", ...failed.map((f) => `- ${f}`));
  return `${lines.join("\n")}\n`;
}

export function writeMatrix(path: string, formats: FormatId[], cases: string[] = []): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, matrixMarkdown(formats, cases));
}
