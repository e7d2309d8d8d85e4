// Checks the built-in provider catalog's invariants and that every model name the user guide shows resolves.
import { GUIDE_MODEL_NAMES } from "../support/guide-models.ts";
import { describe, expect, test } from "bun:test";
import { PROVIDER_CATALOG } from "../../src/providers/catalog.ts";
import { findProvider } from "../../src/providers/lookup.ts";
import type { ModelType, ProviderSpec } from "../../src/providers/types.ts";

/** `id/alias` of every built-in provider. */
const PROVIDER_NAMES = [
  "claude/cc",
  "codex/cx",
  "gemini-cli/gc",
  "github/gh",
  "qwen/qw",
  "kiro/kr",
  "iflow/if",
  "glm/glm",
  "minimax/minimax",
  "kimi/kimi",
  "deepseek/ds",
  "groq/groq",
  "xai/xai",
  "mistral/mistral",
  "perplexity/pplx",
  "together/together",
  "fireworks/fireworks",
  "cerebras/cerebras",
  "cohere/cohere",
  "nvidia/nvidia",
  "openai/openai",
  "anthropic/anthropic",
  "gemini/gemini",
  "openrouter/openrouter",
  "deepgram/deepgram",
  "assemblyai/assemblyai",
];

const FORMATS = ["openai-chat", "anthropic", "responses", "gemini"];
const MODEL_TYPES: ModelType[] = ["chat", "embedding", "image", "audio"];

/** Model types the guide relies on (embeddings, images, audio go to their own endpoints). */
const GUIDE_MODEL_TYPES: Record<string, ModelType> = {
  "fireworks/accounts/fireworks/models/flux-1-schnell-fp8": "image",
  "cohere/embed-v4.0": "embedding",
  "openai/text-embedding-3-small": "embedding",
  "openai/text-embedding-3-large": "embedding",
  "openai/gpt-image-1": "image",
  "openai/whisper-1": "audio",
  "gemini/text-embedding-004": "embedding",
  "gemini/gemini-embedding-001": "embedding",
  "deepgram/nova-3": "audio",
};

/** The prefix is only the first segment: `nvidia/nvidia/llama-3.3-70b-instruct` is model `nvidia/llama-3.3-70b-instruct`. */
function splitModelName(name: string): { prefix: string; model: string } {
  const slash = name.indexOf("/");
  return { prefix: name.slice(0, slash), model: name.slice(slash + 1) };
}

function namesOf(spec: ProviderSpec): string[] {
  return [...new Set([spec.id.toLowerCase(), spec.alias.toLowerCase()])];
}

describe("provider catalog", () => {
  test("holds exactly the providers the user guide names, under their ids and prefixes", () => {
    const pairs = PROVIDER_CATALOG.map((p) => `${p.id}/${p.alias}`).sort();
    expect(pairs).toEqual(PROVIDER_NAMES.toSorted());
  });

  test("ids and aliases are unique across the catalog, case-insensitively", () => {
    const owner = new Map<string, string>();
    for (const spec of PROVIDER_CATALOG) {
      for (const name of namesOf(spec)) {
        expect({ name, claimedBy: owner.get(name) ?? spec.id }).toEqual({ name, claimedBy: spec.id });
        owner.set(name, spec.id);
      }
    }
  });

  test("ids and aliases are usable as a model-name prefix", () => {
    for (const spec of PROVIDER_CATALOG) {
      for (const name of [spec.id, spec.alias]) expect(name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    }
  });

  test("every baseUrl is https, parses, and has no trailing slash", () => {
    for (const spec of PROVIDER_CATALOG) {
      const url = new URL(spec.baseUrl);
      expect({ id: spec.id, protocol: url.protocol }).toEqual({ id: spec.id, protocol: "https:" });
      expect(spec.baseUrl.endsWith("/")).toBe(false);
    }
  });

  test("every format is one of the four wire formats", () => {
    for (const spec of PROVIDER_CATALOG) expect(FORMATS).toContain(spec.format);
  });

  test("auth type follows the tier: subscription and free log in, cheap and api-key take keys", () => {
    for (const spec of PROVIDER_CATALOG) {
      const expected = spec.tier === "subscription" || spec.tier === "free" ? "oauth" : "api-key";
      expect({ id: spec.id, authType: spec.authType }).toEqual({ id: spec.id, authType: expected });
    }
  });

  test("auth headers match each API's convention", () => {
    expect(findProvider("anthropic")?.authHeader).toBe("x-api-key");
    expect(findProvider("anthropic")?.headers?.["anthropic-version"]).toBe("2023-06-01");
    expect(findProvider("claude")?.authHeader).toBe("bearer");
    expect(findProvider("gemini")?.authHeader).toBe("x-goog-api-key");
    // The speech-to-text providers serve no chat: their format is a placeholder, their auth is their own.
    expect(findProvider("deepgram")?.authHeader).toBe("token");
    expect(findProvider("assemblyai")?.authHeader).toBe("raw");
    const chatless = new Set(["deepgram", "assemblyai"]);
    for (const spec of PROVIDER_CATALOG.filter((p) => (p.format === "openai-chat" || p.format === "responses") && !chatless.has(p.id))) {
      expect({ id: spec.id, authHeader: spec.authHeader }).toEqual({ id: spec.id, authHeader: "bearer" });
    }
    // Kiro only targets the anthropic format canonically; its upstream is CodeWhisperer, which takes no such header.
    for (const spec of PROVIDER_CATALOG.filter((p) => p.format === "anthropic" && p.id !== "kiro")) {
      expect(spec.headers?.["anthropic-version"] ?? `${spec.id}: missing`).toBe("2023-06-01");
    }
  });

  test("every provider has at least one model, with unique ids and valid types", () => {
    for (const spec of PROVIDER_CATALOG) {
      expect(spec.models.length).toBeGreaterThan(0);
      const ids = spec.models.map((m) => m.id);
      expect({ id: spec.id, duplicates: ids.filter((id, i) => ids.indexOf(id) !== i) }).toEqual({
        id: spec.id,
        duplicates: [],
      });
      for (const model of spec.models) {
        expect(MODEL_TYPES).toContain(model.type);
        expect(model.name.trim().length).toBeGreaterThan(0);
        expect(model.id).toBe(model.id.trim());
      }
    }
  });

  test("every provider except the audio-only ones serves a chat model", () => {
    for (const spec of PROVIDER_CATALOG) {
      if (spec.id === "deepgram" || spec.id === "assemblyai") continue;
      expect({ id: spec.id, chat: spec.models.some((m) => m.type === "chat") }).toEqual({ id: spec.id, chat: true });
    }
  });

  test("the user guide's model names resolve to a catalog model", () => {
    const missing = GUIDE_MODEL_NAMES.filter((name) => {
      const { prefix, model } = splitModelName(name);
      // A model may be named by an alias the catalog gives it (the guide's gemini-3-flash is Google's gemini-3-flash-preview).
      return !findProvider(prefix)?.models.some((m) => m.id === model || m.aliases?.includes(model));
    });
    expect(missing).toEqual([]);
  });

  test("the user guide's embedding, image and audio models carry that type", () => {
    for (const [name, type] of Object.entries(GUIDE_MODEL_TYPES)) {
      const { prefix, model } = splitModelName(name);
      expect({ name, type: findProvider(prefix)?.models.find((m) => m.id === model)?.type }).toEqual({ name, type });
    }
  });

  test("entries are frozen", () => {
    const spec = PROVIDER_CATALOG[0];
    expect(Object.isFrozen(PROVIDER_CATALOG)).toBe(true);
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec.models)).toBe(true);
    expect(Object.isFrozen(spec.models[0])).toBe(true);
  });
});

describe("findProvider", () => {
  test("matches an id or an alias, case-insensitively", () => {
    expect(findProvider("deepseek")?.id).toBe("deepseek");
    expect(findProvider("ds")?.id).toBe("deepseek");
    expect(findProvider("DS")?.id).toBe("deepseek");
    expect(findProvider("Gemini-CLI")?.id).toBe("gemini-cli");
    expect(findProvider("gc")?.id).toBe("gemini-cli");
    expect(findProvider("if")?.id).toBe("iflow");
  });

  test("answers the same entry for an id and its alias", () => {
    for (const spec of PROVIDER_CATALOG) {
      expect(findProvider(spec.id)).toBe(spec);
      expect(findProvider(spec.alias)).toBe(spec);
    }
  });

  test("answers undefined for unknown names, including a model name or an empty string", () => {
    expect(findProvider("nope")).toBeUndefined();
    expect(findProvider("")).toBeUndefined();
    expect(findProvider("cc/claude-opus-4-6")).toBeUndefined();
    expect(findProvider("toString")).toBeUndefined();
  });
});
