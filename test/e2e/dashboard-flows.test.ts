// The dashboard in headless Chromium, as a user goes through it: sign in, connect and test a provider, a combo used from the
// chat tester, a key shown once, a budget spent, the playground, and a Health card that turns "open" without a reload.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { launchChromium, newContext, screenshot, settled, tabTo } from "./support.ts";

const FAKE_TEXT = "Hello from the fake upstream.";
/** Bun's default is 5 s (bunfig's [test] timeout is not applied by Bun 1.4), and a timed-out test kills Chromium. */
const STEP_TIMEOUT = 20_000;

let gw: TestGateway;
let fake: FakeUpstream;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  gw = await startGateway();
  fake = startOpenAIUpstream({ kind: "text", text: FAKE_TEXT });
  browser = await launchChromium();
  context = await newContext(browser, gw.url);
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
}, STEP_TIMEOUT);
afterAll(async () => {
  await browser?.close();
  await gw?.close();
  await fake?.close();
});

/** Opens a dashboard page and waits for htmx, Alpine and the page's own load-time requests. */
async function open(path: string): Promise<void> {
  const res = await page.goto(path);
  expect(res?.status()).toBe(200);
  await settled(page);
}

/** A client call through the gateway's /v1 API, as a tool would make it. */
function chat(model: string, key?: string): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
}

describe("the dashboard in a browser", () => {
  test(
    "sign in with the keyboard alone: a wrong password says so, the right one returns to the page first asked for",
    async () => {
      await page.goto("/dashboard/keys");
      await page.waitForURL(/\/login\?next=/);
      expect(await page.title()).toBe("Sign in · OmniRoute");

      await tabTo(page, "#f-password");
      await page.keyboard.type("not-the-password");
      await page.keyboard.press("Enter");
      await page.getByRole("alert").filter({ hasText: "Wrong password." }).waitFor();
      await screenshot(page, "flow-01-login-wrong-password");

      await tabTo(page, "#f-password");
      await page.keyboard.type("test-password");
      await page.keyboard.press("Enter");
      // Back to the page first asked for.
      await page.waitForURL(/\/dashboard\/keys$/);
      await settled(page);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("API keys");
      await open("/dashboard");
      expect(await page.title()).toBe("Overview · OmniRoute");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Providers" }).waitFor();
    },
    STEP_TIMEOUT,
  );

  test(
    "connect DeepSeek pointed at the fake upstream, then Test it",
    async () => {
      await open("/dashboard/providers");
      await page.getByLabel("Filter providers").fill("ds");
      const panel = page.locator("#provider-deepseek");
      await page.locator("#provider-anthropic").waitFor({ state: "hidden" });
      // Groups with no match hide with their heading; DeepSeek's group stays.
      await page.locator("#group-subscription").waitFor({ state: "hidden" });
      expect(await page.locator("#group-api-key").isVisible()).toBe(true);
      await panel.locator("summary").click();
      const form = panel.locator("#connect-deepseek");
      await form.getByLabel("Name (optional)").fill("e2e main");
      await form.getByLabel("API key").fill("sk-e2e-1234567890");
      await form.getByLabel("Base URL (optional)").fill(`${fake.url}/v1`);
      await form.getByRole("button", { name: "Connect DeepSeek" }).click();

      await panel.getByRole("status").filter({ hasText: 'Connected "e2e main"' }).waitFor();
      const account = panel.locator("ul.connections > li").filter({ hasText: "e2e main" });
      expect(await account.textContent()).toContain("sk-e…7890");
      expect(await panel.locator("summary").textContent()).toContain("1 connected");

      const before = fake.requests.length;
      await account.getByRole("button", { name: "Test e2e main" }).click();
      const result = account.locator(".test-result");
      await result.filter({ hasText: "answered in" }).waitFor();
      expect(await result.textContent()).toMatch(/OK answered in \d+ ms \(deepseek-chat\)/);
      expect(fake.requests.length).toBe(before + 1);
      expect(fake.requests.at(-1)!.headers.authorization).toBe("Bearer sk-e2e-1234567890");
      await screenshot(page, "flow-02-provider-connected-tested");
    },
    STEP_TIMEOUT,
  );

  test(
    "create a combo, then send a request through it from the chat tester",
    async () => {
      await open("/dashboard/combos");
      await page.getByLabel("Name (the model name your tools call)").fill("e2e-combo");
      const pick = page.getByLabel("Add a model");
      await pick.fill("ds/deepseek-chat");
      await pick.press("Enter");
      await page.locator("ol.combo-editor code.model").filter({ hasText: "ds/deepseek-chat" }).waitFor();
      await page.getByRole("button", { name: "Create combo" }).click();
      await page.getByRole("status").filter({ hasText: 'Saved "e2e-combo"' }).waitFor();
      const combo = page.locator("#combo-list li").filter({ hasText: "e2e-combo" }).first();
      expect(await combo.locator("ol.combo-members").textContent()).toContain("ds/deepseek-chat");
      await screenshot(page, "flow-03-combo-created");

      await open("/dashboard/translator");
      await page.getByRole("tab", { name: "Chat tester" }).click();
      const panel = page.locator("#panel-chat");
      await panel.waitFor({ state: "visible" });
      await panel.locator("#f-chat-model").fill("e2e-combo");
      await panel.getByRole("textbox", { name: "Message" }).fill("Say hello from the browser.");
      const before = fake.requests.length;
      await panel.getByRole("button", { name: /Send through the gateway/ }).click();
      const result = page.locator("#chat-result");
      await result.waitFor();
      expect(await result.locator("h3 .badge").textContent()).toBe("200");
      expect(fake.requests.length).toBe(before + 1);
      expect(fake.requests.at(-1)!.body.messages.at(-1).content).toBe("Say hello from the browser.");
      expect(await result.locator("#chat-upstream-body-0").textContent()).toContain('"model": "deepseek-chat"');
      expect(await result.locator("#chat-response-body").textContent()).toContain(FAKE_TEXT);
      expect(await result.locator("tr").filter({ hasText: "x-omniroute-provider" }).locator("td").last().textContent()).toBe("deepseek");
      await screenshot(page, "flow-04-chat-tester-through-combo");
    },
    STEP_TIMEOUT,
  );

  let key = "";

  test(
    "create an API key: it is shown once, and never again after a reload",
    async () => {
      await open("/dashboard/keys");
      await page.locator("#key-form").getByLabel("Name").fill("e2e-key");
      await page.getByRole("button", { name: "Create key" }).click();
      const shown = page.locator("#new-key");
      await shown.waitFor();
      key = await shown.inputValue();
      expect(key.length).toBeGreaterThan(20);
      expect(await page.locator(".created-key").textContent()).toContain("shown only this once");
      const row = page.locator("#key-table tr").filter({ hasText: "e2e-key" });
      await row.waitFor();
      expect(await row.textContent()).toContain(`${key.slice(0, 12)}…`);
      await screenshot(page, "flow-05-key-created");
      // The key works for a client call.
      expect((await chat("ds/deepseek-chat", key)).status).toBe(200);

      await page.reload();
      await settled(page);
      expect(await page.locator("#new-key").count()).toBe(0);
      expect(await page.content()).not.toContain(key);
      expect(await page.locator("#key-table tr").filter({ hasText: "e2e-key" }).textContent()).toContain(`${key.slice(0, 12)}…`);
    },
    STEP_TIMEOUT,
  );

  test(
    "set a budget on the key and see it spent",
    async () => {
      await open("/dashboard/costs");
      const form = page.locator("#budget-form");
      await form.getByLabel("API key").selectOption({ label: "e2e-key" });
      await form.getByLabel("Limit (USD)").fill("1");
      await form.getByRole("button", { name: "Save budget" }).click();
      await page.getByRole("status").filter({ hasText: "Saved: e2e-key, monthly budget of $1.00" }).waitFor();
      const row = () => page.locator("#budget-table tbody tr").filter({ hasText: "e2e-key" });
      expect(await row().textContent()).toContain("0%");

      // 1M input + 0.5M output tokens of deepseek-chat at $0.28 / $0.42 per 1M: $0.49.
      fake.setScenario({ kind: "text", text: FAKE_TEXT, usage: { input: 1_000_000, output: 500_000 } });
      expect((await chat("ds/deepseek-chat", key)).status).toBe(200);
      fake.setScenario({ kind: "text", text: FAKE_TEXT });

      await page.reload();
      await settled(page);
      const cells = await row().locator("td").allTextContents();
      expect(cells).toContain("$0.49");
      expect(cells).toContain("$0.51");
      expect(await row().textContent()).toContain("49%");
      expect(await row().getByRole("progressbar").getAttribute("aria-label")).toBe("e2e-key, monthly budget: 49% used");
      await screenshot(page, "flow-06-budget-spent");
    },
    STEP_TIMEOUT,
  );

  test(
    "translate a request in the playground",
    async () => {
      await open("/dashboard/translator");
      const panel = page.locator("#panel-playground");
      expect(await panel.isVisible()).toBe(true);
      await panel.getByLabel("Client format (source)").selectOption("anthropic");
      await panel.getByLabel("Upstream format (target)").selectOption("gemini");
      await panel.getByRole("button", { name: "Translate" }).click();
      const result = page.locator("#playground-result");
      await result.waitFor();
      expect(await result.locator("h3").textContent()).toBe("Anthropic Messages → Google Gemini");
      expect(await result.textContent()).toContain(":generateContent");
      const body = JSON.parse((await result.locator("#playground-target-body").textContent())!);
      expect(body.contents.length).toBeGreaterThan(0);
      expect(body.generationConfig).toBeDefined();
      await screenshot(page, "flow-07-playground-translated");
    },
    STEP_TIMEOUT,
  );

  test('a Health card turns "open" when the upstream starts failing, without reloading the page', async () => {
    let navigations = 0;
    await open("/dashboard/health");
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    const card = page.locator("#health-providers-body");
    await card.filter({ hasText: "all closed" }).waitFor();

    const patched = await gw.api("/api/resilience", {
      method: "PATCH",
      body: { providers: { deepseek: { failureThreshold: 2, breakerCooldownMs: 120_000 } } },
    });
    expect(patched.status).toBe(200);
    fake.setScenario({ kind: "error", status: 500, message: "upstream down" });
    for (let i = 0; i < 2; i++) expect((await chat("ds/deepseek-chat")).status).toBeGreaterThanOrEqual(500);
    const refused = await chat("ds/deepseek-chat");
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.message).toContain("circuit breaker");

    // The card polls every 10 s: wait for that poll, as a user watching the page would (up to two polls, in case
    // one was already on its way when the breaker opened).
    await card.locator(".badge.open").waitFor({ timeout: 21_000 });
    expect(await card.locator("tr").filter({ hasText: "deepseek" }).textContent()).toContain("open");
    expect(navigations).toBe(0);
    await screenshot(page, "flow-08-health-breaker-open");
  }, 40_000);
});
