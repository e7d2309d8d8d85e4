// Shared set-up for the browser tests: Debian Chromium through playwright-core, screenshots, and the page checks every page must pass.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOTS = join(import.meta.dir, "../../test-output/screenshots");
export const DESKTOP = { width: 1280, height: 900 };
export const MOBILE = { width: 375, height: 812 };

const ARGS = [
  "--no-sandbox",
  "--headless=new",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

/** One headless Chromium per test file, with a fresh profile (a temporary user-data dir that Playwright removes on close). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The end-to-end tests need Chromium at ${CHROMIUM}: install Debian chromium: apt-get install -y chromium (.ci/run does this).`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** A browser context at a width, already signed in with the gateway's session cookie when one is given. */
export async function newContext(browser: Browser, baseURL: string, viewport = DESKTOP, cookie?: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport, reducedMotion: "reduce" });
  if (cookie) {
    const [name, ...value] = cookie.split("=");
    await context.addCookies([{ name: name!, value: value.join("="), url: baseURL }]);
  }
  return context;
}

/** A full-page screenshot into test-output/screenshots/<name>-<width>.png (test output, not committed). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(SCREENSHOTS, `${name}-${page.viewportSize()?.width ?? 0}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
  return file;
}

/** Waits until htmx and Alpine are loaded and htmx has no request in flight (the page's own load-time requests). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { htmx?: unknown; Alpine?: unknown };
    return document.readyState === "complete" && !!w.htmx && !!w.Alpine && !document.querySelector(".htmx-request");
  });
}

/** How far the page is wider than the window (0 when there is no horizontal scroll). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The elements that stick out past the right edge of the window, to say what overflows when the check fails. */
export function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > window.innerWidth + 0.5)
        out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].join(".")} right=${Math.round(r.right)}`);
    }
    return out.slice(0, 10);
  });
}

/**
 * Every visible input, select and textarea without an accessible name (from a <label>, aria-label or aria-labelledby),
 * and every visible button without a name (its text, aria-label or aria-labelledby). Empty when all are labelled.
 */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const text = (el: Element | null) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();
    const labelledBy = (el: Element) =>
      (el.getAttribute("aria-labelledby") ?? "")
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => text(document.getElementById(id)))
        .join(" ")
        .trim();
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}[name=${el.getAttribute("name") ?? ""}]`;
    const visible = (el: Element) =>
      (el as HTMLElement).checkVisibility({ visibilityProperty: true }) && (el as HTMLElement).getClientRects().length > 0;
    const missing: string[] = [];
    for (const el of Array.from(document.querySelectorAll("input, select, textarea"))) {
      if (el instanceof HTMLInputElement && el.type === "hidden") continue;
      if (!visible(el)) continue;
      const labels = Array.from((el as HTMLInputElement).labels ?? [])
        .map(text)
        .join(" ")
        .trim();
      const name = labelledBy(el) || (el.getAttribute("aria-label") ?? "").trim() || labels;
      if (!name) missing.push(describe(el));
    }
    for (const el of Array.from(document.querySelectorAll("button, [role=button], [role=tab]"))) {
      if (!visible(el)) continue;
      if (!(labelledBy(el) || (el.getAttribute("aria-label") ?? "").trim() || text(el))) missing.push(describe(el));
    }
    return missing;
  });
}

/** Presses Tab until `selector` has the focus (at most `max` times): proves it is reachable with the keyboard alone. */
export async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`${selector} was not reached with ${max} presses of Tab (focus is on ${at})`);
}

/**
 * Elements that stick out past the right edge of the card (article) they are in, unless a scroller between them clips
 * them: at the page level there is no sideways scroll, yet a table drawn over the next card is just as broken.
 */
export function contentOutsideCards(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const clips = (el: Element) => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(el).overflowX);
    for (const card of Array.from(document.querySelectorAll("article"))) {
      const edge = card.getBoundingClientRect().right;
      for (const el of Array.from(card.querySelectorAll("*"))) {
        const r = el.getBoundingClientRect();
        if (!r.width || r.right <= edge + 0.5) continue;
        // Name only the outermost element that sticks out, not each of its descendants.
        const parent = el.parentElement;
        if (parent && parent !== card && parent.getBoundingClientRect().right > edge + 0.5) continue;
        let clipped = false;
        for (let p = el.parentElement; p && p !== card; p = p.parentElement)
          if (clips(p)) {
            clipped = true;
            break;
          }
        if (!clipped)
          out.push(
            `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} in article${card.id ? `#${card.id}` : ""} by ${Math.round(r.right - edge)} px`,
          );
      }
    }
    return out.slice(0, 10);
  });
}
