// The module walls ARCHITECTURE.md describes, checked on the real import graph: a change that breaks one fails here.
import { describe, expect, test } from "bun:test";
import { readImportGraph, runtimeCycles, type ImportEdge } from "./import-graph.ts";

const edges = await readImportGraph();

const inside = (path: string, ...areas: string[]) => areas.some((a) => path === a || path.startsWith(`${a}/`));
/** Imports from files under `from` into anything `forbidden` names, as "from -> to" lines. */
const crossing = (from: string, forbidden: (to: string) => boolean): string[] =>
  edges.filter((e: ImportEdge) => inside(e.from, from) && forbidden(e.to)).map((e) => `${e.from} -> ${e.to}`);

describe("module walls", () => {
  test("the import graph was read (a broken reader must not pass every wall)", () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.some((e) => e.from === "src/main.ts" && e.to === "src/app.ts")).toBe(true);
  });

  test("canonical imports nothing of the project but itself", () => {
    expect(crossing("src/canonical", (to) => !inside(to, "src/canonical"))).toEqual([]);
  });

  test("a format knows its wire format and the canonical model, nothing else", () => {
    expect(crossing("src/formats", (to) => !inside(to, "src/formats", "src/canonical"))).toEqual([]);
  });

  test("providers never import the gateway, the services bag, the API, the dashboard or the app", () => {
    const upward = (to: string) =>
      inside(to, "src/gateway", "src/api", "src/dashboard", "views", "src/services.ts", "src/app.ts", "src/main.ts");
    expect(crossing("src/providers", upward)).toEqual([]);
  });

  test("accounts, routing, usage, network, db, settings and auth never import the gateway, the API or the dashboard", () => {
    const upward = (to: string) => inside(to, "src/gateway", "src/api", "src/dashboard", "views", "src/app.ts", "src/main.ts");
    for (const area of ["src/accounts", "src/routing", "src/usage", "src/network", "src/db", "src/settings", "src/auth"]) {
      expect(crossing(area, upward)).toEqual([]);
    }
  });

  test("below the routes, no unit takes the whole services bag: each names what it uses (no type import of src/services.ts either)", () => {
    for (const area of [
      "src/canonical",
      "src/formats",
      "src/providers",
      "src/accounts",
      "src/routing",
      "src/usage",
      "src/network",
      "src/db",
      "src/settings",
      "src/auth",
      "src/sync",
    ]) {
      expect(crossing(area, (to) => to === "src/services.ts")).toEqual([]);
    }
  });

  test("the gateway never imports the API or the dashboard", () => {
    expect(crossing("src/gateway", (to) => inside(to, "src/api", "src/dashboard", "views", "src/app.ts"))).toEqual([]);
  });

  test("telemetry watches from outside: it never imports the API, the dashboard or the wiring, and only the wiring imports it", () => {
    expect(
      crossing("src/telemetry", (to) => inside(to, "src/api", "src/dashboard", "views", "src/services.ts", "src/app.ts", "src/main.ts")),
    ).toEqual([]);
    const wiring = (from: string) => inside(from, "src/telemetry", "src/services.ts", "src/api", "src/app.ts", "src/main.ts");
    expect(edges.filter((e) => inside(e.to, "src/telemetry") && !wiring(e.from)).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  test("cluster (REDIS_URL) implements the hot-state interfaces from below: it imports no route, page or wiring, and only the wiring imports it", () => {
    expect(
      crossing("src/cluster", (to) =>
        inside(to, "src/api", "src/dashboard", "views", "src/telemetry", "src/services.ts", "src/app.ts", "src/main.ts"),
      ),
    ).toEqual([]);
    const wiring = (from: string) => inside(from, "src/cluster", "src/services.ts", "src/main.ts");
    expect(edges.filter((e) => inside(e.to, "src/cluster") && !wiring(e.from)).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  test("no two modules import each other at runtime", () => {
    expect(runtimeCycles(edges)).toEqual([]);
  });
});
