// Every dashboard page (and every tab) in headless Chromium at 1280 and 375 px: a <title>, no horizontal scroll, every
// control labelled, a screenshot for a person to look at; and the keyboard alone reaches and works tabs and primary buttons.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import {
  DESKTOP,
  MOBILE,
  contentOutsideCards,
  horizontalOverflow,
  launchChromium,
  newContext,
  overflowingElements,
  screenshot,
  settled,
  tabTo,
  unlabelledControls,
} from "./support.ts";

/** Bun's default is 5 s (bunfig's [test] timeout is not applied by Bun 1.4), and a timed-out test kills Chromium. */
const TIMEOUT = 20_000;

interface PageCase {
  path: string;
  title: string;
  /** The ids of its tabs (role="tab" buttons `#tab-<id>` controlling `#panel-<id>`), when it has some. */
  tabs?: string[];
}

const PAGES: PageCase[] = [
  { path: "/dashboard", title: "Overview" },
  { path: "/dashboard/providers", title: "Providers" },
  { path: "/dashboard/combos", title: "Combos" },
  { path: "/dashboard/keys", title: "API keys" },
  { path: "/dashboard/usage", title: "Usage" },
  { path: "/dashboard/costs", title: "Costs", tabs: ["budgets", "pricing"] },
  { path: "/dashboard/health", title: "Health" },
  { path: "/dashboard/settings", title: "Settings", tabs: ["security", "routing", "resilience", "ai", "advanced"] },
  { path: "/dashboard/cli-tools", title: "CLI tools" },
  { path: "/dashboard/translator", title: "Translator", tabs: ["playground", "chat", "bench", "monitor"] },
  { path: "/dashboard/system", title: "System" },
];

let gw: TestGateway;
let fake: FakeUpstream;
let browser: Browser;
let cookie: string;

/** A gateway with something on every page: a connected provider, a combo, a key with a budget, usage, a failure. */
beforeAll(async () => {
  gw = await startGateway();
  fake = startOpenAIUpstream({ kind: "text", text: "Hello from the fake upstream.", usage: { input: 120_000, output: 30_000 } });
  const connected = await gw.api("/api/providers", {
    body: { provider: "ds", apiKey: "sk-pages-1234567890", baseUrl: `${fake.url}/v1`, name: "main" },
  });
  expect(connected.status).toBe(201);
  expect((await gw.api("/api/combos", { body: { name: "coding", models: ["ds/deepseek-chat", "ds/deepseek-reasoner"] } })).status).toBe(
    201,
  );
  const { row, key } = await gw.services.apiKeys.create("laptop", []);
  await gw.services.budgets.set(row.id, "monthly", 1);
  const chat = (model: string) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
  for (const model of ["ds/deepseek-chat", "coding", "ds/deepseek-reasoner"]) expect((await chat(model)).status).toBe(200);
  fake.setScenario({ kind: "error", status: 500, message: "upstream down" });
  expect((await chat("ds/deepseek-chat")).status).toBeGreaterThanOrEqual(500);
  fake.setScenario({ kind: "text", text: "Hello from the fake upstream." });
  cookie = await gw.login();
  browser = await launchChromium();
}, TIMEOUT);
afterAll(async () => {
  await browser?.close();
  await gw?.close();
  await fake?.close();
});

/** The checks every page and every tab panel must pass (nothing wider than the window or than its card), and its screenshot. */
async function checkPage(page: Page, shot: string): Promise<void> {
  const overflow = await horizontalOverflow(page);
  if (overflow > 0)
    throw new Error(
      `${shot} scrolls sideways by ${overflow} px at ${page.viewportSize()!.width} px: ${(await overflowingElements(page)).join(", ")}`,
    );
  expect(await contentOutsideCards(page)).toEqual([]);
  expect(await unlabelledControls(page)).toEqual([]);
  await screenshot(page, shot);
}

for (const viewport of [DESKTOP, MOBILE]) {
  describe(`at ${viewport.width} px`, () => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await newContext(browser, gw.url, viewport, cookie);
      page = await context.newPage();
      page.setDefaultTimeout(10_000);
    }, TIMEOUT);
    afterAll(async () => {
      await context?.close();
    });

    test(
      "the sign-in page",
      async () => {
        const anonymous = await newContext(browser, gw.url, viewport);
        try {
          const login = await anonymous.newPage();
          await login.goto("/login");
          await settled(login);
          expect(await login.title()).toBe("Sign in · OmniRoute");
          expect(await login.getByRole("heading", { level: 1 }).textContent()).toBe("OmniRoute");
          await checkPage(login, "page-login");
        } finally {
          await anonymous.close();
        }
      },
      TIMEOUT,
    );

    for (const p of PAGES) {
      test(
        `${p.title}: title, no sideways scroll, labelled controls${p.tabs ? ", every tab" : ""}`,
        async () => {
          const res = await page.goto(p.path);
          expect(res?.status()).toBe(200);
          await settled(page);
          expect(await page.title()).toBe(`${p.title} · OmniRoute`);
          expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(p.title);
          expect(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent()).toBe(p.title);
          const slug = `page-${p.path.split("/")[2] ?? "overview"}`;
          if (!p.tabs) return checkPage(page, slug);
          for (const tab of p.tabs) {
            await page.locator(`#tab-${tab}`).click();
            await page.locator(`#panel-${tab}`).waitFor({ state: "visible" });
            expect(await page.locator(`#tab-${tab}`).getAttribute("aria-selected")).toBe("true");
            expect(await page.locator('[role="tabpanel"]:visible').count()).toBe(1);
            await settled(page);
            await checkPage(page, `${slug}-${tab}`);
          }
        },
        TIMEOUT,
      );
    }
  });
}

describe("with the keyboard alone", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await newContext(browser, gw.url, DESKTOP, cookie);
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  }, TIMEOUT);
  afterAll(async () => {
    await context?.close();
  });

  const open = async (path: string) => {
    await page.goto(path);
    await settled(page);
  };
  /** Waits for the focus to land on the element with this id (the tabs move it on Alpine's next tick). */
  const focusOn = (id: string) => page.waitForFunction((want) => document.activeElement?.id === want, id);

  test(
    "the first Tab shows the skip link; Enter on it moves past the navigation",
    async () => {
      await open("/dashboard/keys");
      await page.keyboard.press("Tab");
      const skip = page.getByRole("link", { name: "Skip to content" });
      expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
      const box = (await skip.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      await page.keyboard.press("Enter");
      await page.waitForURL(/#main$/);
      await page.keyboard.press("Tab");
      // The next stop is the page's first field, past the eleven links of the navigation.
      expect(await page.evaluate(() => document.activeElement?.matches("main #key-form input[name=name]"))).toBe(true);
    },
    TIMEOUT,
  );

  test(
    "API keys: Tab to the name, type it, Tab to Create key and press Space: the key is shown",
    async () => {
      await open("/dashboard/keys");
      await tabTo(page, "#key-form input[name=name]");
      await page.keyboard.type("keyboard-key");
      await tabTo(page, "#key-form button[type=submit]", 3);
      await page.keyboard.press("Space");
      await page.locator("#new-key").waitFor();
      expect(await page.locator(".created-key").textContent()).toContain("keyboard-key");
      expect(await page.locator("#key-table").textContent()).toContain("keyboard-key");
    },
    TIMEOUT,
  );

  test(
    "Costs: Tab reaches the open tab, the arrow keys open the other one and move the focus to it; #pricing opens it",
    async () => {
      await open("/dashboard/costs");
      await tabTo(page, "#tab-budgets");
      await page.keyboard.press("ArrowRight");
      await page.locator("#panel-pricing").waitFor({ state: "visible" });
      await focusOn("tab-pricing");
      expect(await page.locator("#tab-pricing").getAttribute("aria-selected")).toBe("true");
      expect(await page.locator("#panel-budgets").isVisible()).toBe(false);
      await page.keyboard.press("ArrowLeft");
      await page.locator("#panel-budgets").waitFor({ state: "visible" });
      await focusOn("tab-budgets");
      // The open tab is in the URL: a link or a reload opens it again.
      await open("/dashboard/costs#pricing");
      await page.locator("#panel-pricing").waitFor({ state: "visible" });
      expect(await page.locator("#panel-budgets").isVisible()).toBe(false);
    },
    TIMEOUT,
  );

  test(
    "Settings: End opens the last tab, Right wraps to the first; Enter on a focused tab keeps it open",
    async () => {
      await open("/dashboard/settings");
      await tabTo(page, "#tab-security");
      await page.keyboard.press("End");
      await page.locator("#panel-advanced").waitFor({ state: "visible" });
      await focusOn("tab-advanced");
      await page.keyboard.press("Enter");
      expect(await page.locator("#tab-advanced").getAttribute("aria-selected")).toBe("true");
      await page.keyboard.press("ArrowRight");
      await page.locator("#panel-security").waitFor({ state: "visible" });
      await focusOn("tab-security");
    },
    TIMEOUT,
  );

  test(
    "Translator: from the tabs, Tab into the playground and press Enter on Translate: the translation appears",
    async () => {
      await open("/dashboard/translator");
      await tabTo(page, "#tab-playground");
      await page.keyboard.press("ArrowRight");
      await page.locator("#panel-chat").waitFor({ state: "visible" });
      await focusOn("tab-chat");
      await page.keyboard.press("ArrowLeft");
      await page.locator("#panel-playground").waitFor({ state: "visible" });
      await focusOn("tab-playground");
      await tabTo(page, "#panel-playground button[type=submit]", 12);
      await page.keyboard.press("Enter");
      await page.locator("#playground-result").waitFor();
      expect(await page.locator("#playground-result h3").textContent()).toBe("Anthropic Messages → OpenAI Chat Completions");
    },
    TIMEOUT,
  );
});
