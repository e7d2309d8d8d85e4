// Checks the prices built-in catalog entries carry (consistent with each tier, sane, the list prices users rely on)
// and the default price table read from them.
import { describe, expect, test } from "bun:test";
import { PROVIDER_CATALOG } from "../../src/providers/catalog.ts";
import { DEFAULT_PRICING, type ModelPrice } from "../../src/usage/pricing-defaults.ts";

/** Embedding models a metered provider really serves at $0 (checked against the provider's pricing page). */
const FREE_EMBEDDINGS = new Set(["gemini/text-embedding-004"]);

function priceFields(price: ModelPrice): number[] {
  return [price.input, price.output, price.cached, price.cacheWrite, price.reasoning].filter((v): v is number => v !== undefined);
}

describe("DEFAULT_PRICING is read from the catalog", () => {
  test("every built-in provider, in catalog order, with its billing and every model's price", () => {
    const fromCatalog = Object.fromEntries(
      PROVIDER_CATALOG.map((p) => [p.id, { billing: p.billing, models: Object.fromEntries(p.models.map((m) => [m.id, m.price])) }]),
    );
    expect(Object.keys(DEFAULT_PRICING)).toEqual(PROVIDER_CATALOG.map((p) => p.id));
    expect(DEFAULT_PRICING).toEqual(fromCatalog);
  });
});

describe("billing follows the provider's tier", () => {
  for (const provider of PROVIDER_CATALOG) {
    test(`${provider.id}: billing matches tier ${provider.tier}`, () => {
      if (provider.tier === "subscription") expect(provider.billing).toBe("flat-rate");
      if (provider.tier === "free") expect(provider.billing).toBe("free");
      if (provider.billing === "flat-rate") expect(provider.tier).toBe("subscription");
    });

    if (provider.billing !== "metered") {
      test(`${provider.id}: ${provider.billing} models cost nothing per token`, () => {
        for (const { id: model, price } of provider.models) {
          expect({ model, fields: priceFields(price) }).toEqual({ model, fields: [0, 0] });
        }
      });
    }
  }

  test("the subscription and free logins named by the user guide are not metered", () => {
    for (const id of ["claude", "codex", "gemini-cli", "github"]) expect(DEFAULT_PRICING[id].billing).toBe("flat-rate");
    for (const id of ["qwen", "kiro", "iflow"]) expect(DEFAULT_PRICING[id].billing).toBe("free");
  });
});

describe("prices are sane", () => {
  const entries = PROVIDER_CATALOG.flatMap((provider) =>
    provider.models.map((model) => ({
      name: `${provider.id}/${model.id}`,
      type: model.type,
      billing: provider.billing,
      price: model.price,
    })),
  );

  test("every field is a finite, non-negative number", () => {
    const bad = entries.filter((e) => priceFields(e.price).some((v) => !Number.isFinite(v) || v < 0));
    expect(bad.map((e) => e.name)).toEqual([]);
  });

  test("a cache hit never costs more than fresh input, and a cache write never less", () => {
    const bad = entries.filter(
      (e) =>
        (e.price.cached !== undefined && e.price.cached > e.price.input) ||
        (e.price.cacheWrite !== undefined && e.price.cacheWrite < e.price.input),
    );
    expect(bad.map((e) => e.name)).toEqual([]);
  });

  test("every metered chat model charges for both input and output", () => {
    const bad = entries.filter((e) => e.billing === "metered" && e.type === "chat" && !(e.price.input > 0 && e.price.output > 0));
    expect(bad.map((e) => e.name)).toEqual([]);
  });

  test("every metered embedding model charges for input, except the documented free ones", () => {
    const zero = entries.filter((e) => e.billing === "metered" && e.type === "embedding" && e.price.input === 0);
    expect(zero.map((e) => e.name).sort()).toEqual([...FREE_EMBEDDINGS].sort());
  });

  test("speech-to-text providers are left at 0 until audio is priced per minute", () => {
    for (const id of ["deepgram", "assemblyai"]) {
      for (const price of Object.values(DEFAULT_PRICING[id].models)) expect(priceFields(price)).toEqual([0, 0]);
    }
  });
});

describe("list prices the gateway's users rely on", () => {
  test("Anthropic: Sonnet 4.5, Haiku 4.5, Opus 4.5 and Opus 4.1 with cache read and 5-minute cache write", () => {
    const m = DEFAULT_PRICING.anthropic.models;
    expect(m["claude-sonnet-4-5-20250929"]).toEqual({ input: 3, cached: 0.3, cacheWrite: 3.75, output: 15 });
    expect(m["claude-haiku-4-5-20251001"]).toEqual({ input: 1, cached: 0.1, cacheWrite: 1.25, output: 5 });
    expect(m["claude-opus-4-5-20251101"]).toEqual({ input: 5, cached: 0.5, cacheWrite: 6.25, output: 25 });
    expect(m["claude-opus-4-1-20250805"]).toEqual({ input: 15, cached: 1.5, cacheWrite: 18.75, output: 75 });
  });

  test("the Claude subscription serves Anthropic's current models at $0, without the API-only ones", () => {
    const claude = DEFAULT_PRICING.claude.models;
    expect(Object.keys(claude)).toEqual([
      "claude-opus-5",
      "claude-opus-4-6",
      "claude-opus-4-5-20251101",
      "claude-sonnet-4-5-20250929",
      "claude-haiku-4-5-20251001",
    ]);
    for (const id of Object.keys(claude)) {
      expect(priceFields(claude[id])).toEqual([0, 0]);
      expect(DEFAULT_PRICING.anthropic.models[id].input).toBeGreaterThan(0);
    }
  });

  test("DeepSeek: both endpoints at the V3.2 price, not the pre-September-2025 $0.27/$1.10", () => {
    const m = DEFAULT_PRICING.deepseek.models;
    expect(m["deepseek-chat"]).toEqual({ input: 0.28, cached: 0.028, output: 0.42 });
    expect(m["deepseek-reasoner"]).toEqual(m["deepseek-chat"]);
  });

  test("OpenAI and Gemini flagships", () => {
    expect(DEFAULT_PRICING.openai.models["gpt-4o-mini"]).toEqual({ input: 0.15, cached: 0.075, output: 0.6 });
    expect(DEFAULT_PRICING.openai.models["gpt-5"]).toEqual({ input: 1.25, cached: 0.125, output: 10 });
    expect(DEFAULT_PRICING.gemini.models["gemini-2.5-pro"]).toEqual({ input: 1.25, cached: 0.125, output: 10 });
  });

  test("OpenRouter passes first-party prices through", () => {
    const or = DEFAULT_PRICING.openrouter.models;
    expect(or["anthropic/claude-sonnet-4.5"]).toEqual(DEFAULT_PRICING.anthropic.models["claude-sonnet-4-5-20250929"]);
    expect(or["openai/gpt-5"]).toEqual(DEFAULT_PRICING.openai.models["gpt-5"]);
  });

  test("the cheap tier is cheap: GLM-4.7 and MiniMax M2.1 input under $1 per 1M", () => {
    expect(DEFAULT_PRICING.glm.models["glm-4.7"].input).toBe(0.6);
    expect(DEFAULT_PRICING.minimax.models["MiniMax-M2.1"].input).toBeLessThan(1);
  });
});

test("the table and the catalog's prices are frozen: a mutation throws instead of changing every later cost", () => {
  expect(() => {
    (DEFAULT_PRICING.anthropic.models["claude-sonnet-4-5-20250929"] as any).input = 0;
  }).toThrow(TypeError);
  expect(() => {
    (DEFAULT_PRICING.anthropic.models as any)["new-model"] = { input: 0, output: 0 };
  }).toThrow(TypeError);
  expect(() => {
    (DEFAULT_PRICING as any).anthropic = undefined;
  }).toThrow(TypeError);
  expect(() => {
    (PROVIDER_CATALOG[0].models[0].price as any).input = 1;
  }).toThrow(TypeError);
});
