// The Costs page: budgets (set, edit, remove, warnings) and the pricing table (filter, inline edit, restore), as a user sees them.
import { rawDatabase } from "../support/gateway.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ApiKeyRow } from "../../src/db/queries/api-keys.ts";
import { DEFAULT_PRICING } from "../../src/usage/pricing-defaults.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let cookie: string;
let laptop: ApiKeyRow;
let ci: ApiKeyRow;

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
  laptop = (await gw.services.apiKeys.create("laptop", [])).row;
  ci = (await gw.services.apiKeys.create("ci <bot>", [])).row;
});
afterAll(() => gw.close());

const get = (path: string) => fetch(`${gw.url}${path}`, { headers: { cookie } });

/** A write as htmx sends it: same origin, form-encoded (DELETE carries its parameters in the URL). */
function send(method: string, path: string, fields: Record<string, string> = {}) {
  return fetch(`${gw.url}/dashboard/partials/costs/${path}`, {
    method,
    headers: { cookie, origin: gw.url, "hx-request": "true" },
    body: method === "DELETE" ? undefined : new URLSearchParams(fields),
  });
}

/** Spend recorded the way the gateway records it: a usage row and the in-memory budget books. */
function spend(keyId: string, usd: number) {
  const now = Date.now();
  rawDatabase(gw.services)
    .prepare(
      `insert into usage_log (ts, request_id, key_id, endpoint, provider, model_requested, cost_usd, status) values (?, ?, ?, '/v1/chat/completions', 'openai', 'gpt-4o', ?, 200)`,
    )
    .run(now, crypto.randomUUID(), keyId, usd);
  gw.services.budgets.spend(keyId, usd, now);
}

const modelCount = Object.values(DEFAULT_PRICING).reduce((n, p) => n + Object.keys(p.models).length, 0);

describe("the page", () => {
  test("has a title and two keyboard-reachable tabs, budgets open by default", async () => {
    const res = await get("/dashboard/costs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>Costs · OmniRoute</title>");
    expect(html).toContain('role="tablist"');
    expect(html).toMatch(
      /<button type="button" role="tab" id="tab-budgets" aria-controls="panel-budgets" aria-selected="true" tabindex="0"/,
    );
    expect(html).toMatch(/id="tab-pricing"[^>]*aria-selected="false" tabindex="-1"/);
    expect(html).toMatch(/role="tablist" aria-label="Costs" class="tabs" x-on:keydown.right.prevent="step\(1\)"/);
    expect(html).toMatch(/<section role="tabpanel" id="panel-budgets" aria-labelledby="tab-budgets" tabindex="0" x-bind:hidden/);
    expect(html).toMatch(/<section role="tabpanel" id="panel-pricing" aria-labelledby="tab-pricing" tabindex="0" hidden=""/);
    expect(html).toContain("No budgets yet.");
  });

  test("?tab=pricing opens the pricing tab", async () => {
    const html = await (await get("/dashboard/costs?tab=pricing")).text();
    expect(html).toMatch(/id="tab-pricing"[^>]*aria-selected="true"/);
    expect(html).toMatch(/id="panel-budgets" aria-labelledby="tab-budgets" tabindex="0" hidden=""/);
  });

  test("a cross-site write is refused", async () => {
    const res = await fetch(`${gw.url}/dashboard/partials/costs/budgets`, {
      method: "POST",
      headers: { cookie, origin: "https://evil.example" },
      body: new URLSearchParams({ keyId: laptop.id, period: "daily", limit: "5" }),
    });
    expect(res.status).toBe(403);
    expect(gw.services.budgets.list()).toEqual([]);
  });
});

describe("budgets", () => {
  test("invalid input is a 422 with the error next to its field, and the values kept", async () => {
    const empty = await send("POST", "budgets", { keyId: laptop.id, period: "monthly", limit: "", warnAt: "80" });
    expect(empty.status).toBe(422);
    const html = await empty.text();
    expect(html).toMatch(/<input id="f-limit" name="limit"[^>]*aria-invalid="true" aria-describedby="f-limit-error"\/>/);
    expect(html).toContain('<small id="f-limit-error" class="field-error">Enter an amount in USD</small>');

    const bad = await (await send("POST", "budgets", { keyId: laptop.id, period: "monthly", limit: "-3", warnAt: "150" })).text();
    expect(bad).toContain("Must be more than $0");
    expect(bad).toContain("At most 100%");
    expect(bad).toContain('value="150"');

    const period = await (await send("POST", "budgets", { keyId: laptop.id, period: "yearly", limit: "5" })).text();
    expect(period).toContain("Choose daily, weekly or monthly");

    const gone = await send("POST", "budgets", { keyId: "no-such-key", period: "daily", limit: "5" });
    expect(gone.status).toBe(422);
    expect(await gone.text()).toContain("That key no longer exists");
    expect(gw.services.budgets.list()).toEqual([]);
  });

  test("saving sets the budget through services.budgets and refreshes the table out of band", async () => {
    const res = await send("POST", "budgets", { keyId: laptop.id, period: "monthly", limit: "10", warnAt: "50" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Saved: laptop, monthly budget of $10.00 (warns at 50%).");
    expect(html).toContain('<div id="budget-table" hx-swap-oob="true">');
    expect(gw.services.budgets.list()).toMatchObject([{ keyId: laptop.id, period: "monthly", limit: 10, warnAt: 0.5 }]);
    expect(html).toContain('<progress value="0" max="10" aria-label="laptop, monthly budget: 0% used"></progress>');
  });

  test("the table warns at warnAt and says when a budget is exceeded", async () => {
    spend(laptop.id, 6);
    let html = await (await get("/dashboard/costs")).text();
    expect(html).toContain("⚠ Warning: over 50%");
    expect(html).toContain('<progress value="6" max="10"');
    expect(html).toContain("$4.00"); // remaining
    expect(html).toMatch(/<time datetime="\d{4}-\d\d-01T00:00:00.000Z">\d{4}-\d\d-01 00:00 UTC<\/time>/);

    await send("POST", "budgets", { keyId: ci.id, period: "daily", limit: "1" });
    spend(ci.id, 1.5);
    html = await (await get("/dashboard/costs")).text();
    expect(html).toContain("ci &lt;bot&gt;");
    expect(html).toContain("⚠ Exceeded: requests refused");
    expect(html).toContain('<progress value="1" max="1"'); // the bar is full, not past the end
  });

  test("Edit fills the form with the budget; saving the same key and period changes it", async () => {
    const form = await (await get(`/dashboard/partials/costs/budget-form?keyId=${laptop.id}&period=monthly`)).text();
    expect(form).toContain('value="10"');
    expect(form).toContain('value="50"');
    expect(form).toContain('<option value="monthly" selected="">Monthly</option>');
    expect(form).toContain("Editing the monthly budget of laptop.");
    await send("POST", "budgets", { keyId: laptop.id, period: "monthly", limit: "20", warnAt: "90" });
    expect(gw.services.budgets.list().find((b) => b.keyId === laptop.id)).toMatchObject({ limit: 20, warnAt: 0.9, warning: false });
  });

  test("Remove deletes it; removing it again says so", async () => {
    const res = await send("DELETE", `budgets?keyId=${ci.id}&period=daily`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Removed the daily budget.");
    expect(gw.services.budgets.list().some((b) => b.keyId === ci.id)).toBe(false);
    const again = await send("DELETE", `budgets?keyId=${ci.id}&period=daily`);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("That budget no longer exists.");
  });
});

describe("pricing", () => {
  test("every model is listed with its provider's billing badge, and renders fast", async () => {
    const res = await gw.app.request("/dashboard/costs?tab=pricing", { headers: { cookie } });
    const html = await res.text();
    expect(html).toContain(`${modelCount} models · USD per 1M tokens`);
    expect(html).toMatch(/anthropic <span class="badge ">metered<\/span>/);
    expect(html).toContain('<span class="badge warn">flat-rate</span>');
    expect(html).toContain('<span class="badge ok">free</span>');
    expect(html.match(/<tr id="price-/g)?.length).toBe(modelCount);
    const start = performance.now();
    await (await gw.app.request("/dashboard/costs?tab=pricing", { headers: { cookie } })).text();
    expect(performance.now() - start).toBeLessThan(50);
  });

  test("the filter narrows by provider and by part of the model name", async () => {
    const html = await (await get("/dashboard/partials/costs/pricing?provider=anthropic&model=OPUS")).text();
    const opus = Object.keys(DEFAULT_PRICING.anthropic!.models).filter((m) => m.includes("opus"));
    expect(html).toContain(`${opus.length} of ${modelCount} models`);
    for (const m of opus) expect(html).toContain(m);
    expect(html).not.toContain("sonnet");
    expect(await (await get("/dashboard/partials/costs/pricing?model=zzz-nothing")).text()).toContain("No model matches this filter.");
  });

  test("Edit turns the row into labelled inputs; a bad price is a 422 next to the field", async () => {
    const edit = await (await get("/dashboard/partials/costs/pricing/row?provider=openai&model=gpt-4o&edit=1")).text();
    expect(edit).toMatch(
      /<label for="(price-\w+)-output" class="visually-hidden">Output USD per 1M tokens for gpt-4o<\/label><input id="\1-output" name="output"/,
    );
    expect(edit).toContain('hx-put="/dashboard/partials/costs/pricing"');
    expect(edit).toContain('hx-include="closest tr"');

    const negative = await send("PUT", "pricing", { provider: "openai", model: "gpt-4o", input: "2", output: "-1" });
    expect(negative.status).toBe(422);
    const html = await negative.text();
    expect(html).toMatch(/name="output"[^>]*value="-1"[^>]*aria-invalid="true"/);
    expect(html).toMatch(/<small id="price-\w+-output-error" class="field-error">Must be 0 or more<\/small>/);

    expect(await (await send("PUT", "pricing", { provider: "openai", model: "gpt-4o", input: "abc", output: "1" })).text()).toContain(
      "Enter a number",
    );
    expect(await (await send("PUT", "pricing", { provider: "openai", model: "gpt-4o", input: "1", output: "" })).text()).toContain(
      "Enter a price (0 when free)",
    );
    expect(await (await send("PUT", "pricing", { provider: "openai", model: "gpt-4o", input: "1", output: "200000" })).text()).toContain(
      "At most 100,000",
    );
    expect(gw.services.pricing.overrides()).toEqual({});
  });

  test("saving a row sets the override through services.pricing; restore default removes it", async () => {
    const res = await send("PUT", "pricing", {
      provider: "openai",
      model: "gpt-4o",
      input: "1.5",
      output: "6",
      cached: "0.5",
      cacheWrite: "",
      reasoning: "",
    });
    expect(res.status).toBe(200);
    const row = await res.text();
    expect(row).toContain("$1.5");
    expect(row).toContain('<span class="badge warn">custom</span>');
    expect(row).toContain("Restore default");
    expect(gw.services.pricing.priceOf("openai", "gpt-4o")).toEqual({ input: 1.5, output: 6, cached: 0.5 });

    const restored = await send("DELETE", "pricing?provider=openai&model=gpt-4o");
    expect(restored.status).toBe(200);
    expect(await restored.text()).not.toContain("custom");
    expect(gw.services.pricing.overrides()).toEqual({});
    expect(gw.services.pricing.priceOf("openai", "gpt-4o")).toEqual(DEFAULT_PRICING.openai!.models["gpt-4o"]!);
  });

  test("a price only the user set disappears on remove", async () => {
    await gw.services.pricing.update({ openai: { "my-finetune": { input: 3, output: 12 } } });
    const html = await (await get("/dashboard/partials/costs/pricing?model=my-finetune")).text();
    expect(html).toContain(">Remove<");
    const res = await send("DELETE", "pricing?provider=openai&model=my-finetune");
    expect(await res.text()).toBe("");
    expect(gw.services.pricing.priceOf("openai", "my-finetune")).toBeUndefined();
  });
});
