// Checks that the one list of built-in providers (src/providers/builtin.ts) gives each its catalog entries, adapter and login.
import { describe, expect, test } from "bun:test";
import { createAdapters } from "../../src/providers/adapters/index.ts";
import { BUILTIN_PROVIDERS } from "../../src/providers/builtin.ts";
import { PROVIDER_CATALOG } from "../../src/providers/catalog.ts";
import { flowFor } from "../../src/providers/login-flows.ts";

describe("built-in provider modules", () => {
  test("the catalog is their entries, in the order they are listed", () => {
    expect(PROVIDER_CATALOG.map((p) => p.id)).toEqual(BUILTIN_PROVIDERS.flatMap((m) => m.entries.map((e) => e.id)));
  });

  test("every provider that logs in has its login flow and an adapter; pure-data providers have neither", () => {
    const adapters = createAdapters();
    for (const spec of PROVIDER_CATALOG) {
      const oauth = spec.authType === "oauth";
      expect({ id: spec.id, flow: flowFor(spec.id)?.provider, adapter: Boolean(adapters.get(spec.id)) }).toEqual({
        id: spec.id,
        flow: oauth ? spec.id : undefined,
        adapter: oauth,
      });
    }
  });

  test("a module's flow logs into one of its own entries", () => {
    for (const module of BUILTIN_PROVIDERS) {
      if (module.flow) expect(module.entries.map((e) => e.id)).toContain(module.flow.provider);
    }
  });

  test("each gateway gets adapters of its own: the stateful ones are fresh, and the ones it serves with", () => {
    const first = createAdapters();
    const second = createAdapters();
    expect(first.geminiCli).not.toBe(second.geminiCli);
    expect(first.githubCopilot).not.toBe(second.githubCopilot);
    expect(first.get("gemini-cli")).toBe(first.geminiCli);
    expect(first.get("github")).toBe(first.githubCopilot);
  });
});
