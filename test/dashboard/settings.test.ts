// The Settings page: its tabs, each form saves through the settings services or answers 422 next to the field (Resilience: settings-resilience.test.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { sendSettingsForm, settingsPage } from "./settings-support.ts";

let gw: TestGateway;
let cookie: string;

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
});
afterAll(() => gw.close());

const page = (path?: string) => settingsPage(gw, cookie, path);
const send = (path: string, fields: Array<[string, string]>, method?: string) => sendSettingsForm(gw, cookie, path, fields, method);

describe("the page", () => {
  test("has a title, five labelled tabs and every section", async () => {
    const res = await page();
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>Settings · OmniRoute</title>");
    for (const id of ["security", "routing", "resilience", "ai", "advanced"]) {
      expect(html).toContain(`id="tab-${id}"`);
      expect(html).toContain(`id="panel-${id}"`);
    }
    expect(html.match(/role="tab"/g)?.length).toBe(5);
    expect(html).toContain('aria-selected="true"');
    for (const text of [
      "Change password",
      "Require sign-in",
      "Follow REQUIRE_API_KEY (currently off)",
      "IP filter",
      "Blocked providers",
      "Wildcard aliases",
      "Fallback chains",
      "Combo defaults",
      "Provider profile (defaults)",
      "Global system prompt",
      "Clear cache",
      "Global proxy",
      "Keep request-level usage rows",
    ]) {
      expect(html).toContain(text);
    }
    // Every provider can be blocked.
    expect(html).toContain('name="blockedProviders" value="deepseek"');
  });

  test("without a session it sends the browser to sign in", async () => {
    const res = await fetch(`${gw.url}/dashboard/settings`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("/login");
  });

  test("a cross-site write is refused", async () => {
    const res = await fetch(`${gw.url}/dashboard/partials/settings/access`, {
      method: "POST",
      headers: { cookie, origin: "https://evil.example" },
      body: new URLSearchParams({ requireLogin: "1" }),
    });
    expect(res.status).toBe(403);
    expect(gw.services.settings.get().requireLogin).toBe(true);
  });
});

describe("security", () => {
  test("a wrong current password is a 422 next to that field; the right one changes it", async () => {
    const wrong = await send("password", [
      ["current", "nope"],
      ["next", "a-new-password"],
    ]);
    expect(wrong.status).toBe(422);
    const html = await wrong.text();
    expect(html).toContain('id="f-current-error"');
    expect(html).toContain("The current password is wrong.");

    const short = await send("password", [
      ["current", "test-password"],
      ["next", "short"],
    ]);
    expect(short.status).toBe(422);
    expect(await short.text()).toContain('id="f-next-error"');

    const ok = await send("password", [
      ["current", "test-password"],
      ["next", "a-new-password"],
    ]);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("Password changed.");
    expect(await gw.services.password.verify("a-new-password")).toBe(true);
    // The old cookie is void; this browser got a fresh one.
    cookie = ok.headers.get("set-cookie")!.split(";")[0]!;
    expect((await page()).status).toBe(200);
  });

  test("require login and the tri-state API key setting", async () => {
    let res = await send("access", [
      ["requireLogin", "1"],
      ["requireApiKey", "on"],
    ]);
    expect(res.status).toBe(200);
    expect(gw.services.settings.get().requireApiKey).toBe(true);
    res = await send("access", [
      ["requireLogin", "1"],
      ["requireApiKey", "env"],
    ]);
    expect(gw.services.settings.get().requireApiKey).toBeNull();
    res = await send("access", [
      ["requireLogin", "1"],
      ["requireApiKey", "off"],
    ]);
    expect(gw.services.settings.get().requireApiKey).toBe(false);
    expect(await res.text()).toContain("Saved.");
    expect(gw.services.settings.get().requireLogin).toBe(true);
    res = await send("access", [
      ["requireLogin", "1"],
      ["requireApiKey", "off"],
      ["requireApiKeyForModels", "on"],
    ]);
    expect(gw.services.settings.get().requireApiKeyForModels).toBe(true);
    expect(await res.text()).toMatch(/name="requireApiKeyForModels"[\s\S]*<option value="on" selected/);
    await send("access", [
      ["requireLogin", "1"],
      ["requireApiKey", "off"],
      ["requireApiKeyForModels", "env"],
    ]);
    expect(gw.services.settings.get().requireApiKeyForModels).toBeNull();
  });

  test("IP filter: bad entries are a 422 naming them, good ones are saved", async () => {
    const bad = await send("ip-filter", [
      ["ipFilter.mode", "allow"],
      ["ipFilter.list", "10.0.0.0/8\nnot-an-ip\n<b>x</b>"],
    ]);
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Not an IP address or CIDR range: not-an-ip, &lt;b&gt;x&lt;/b&gt;");
    // What was sent is shown again.
    expect(html).toMatch(/<option value="allow" selected/);
    expect(html).toContain("10.0.0.0/8\nnot-an-ip");
    expect(html).not.toContain("<b>x</b>");
    expect(gw.services.settings.get().ipFilter.mode).toBe("off");

    const ok = await send("ip-filter", [
      ["ipFilter.mode", "deny"],
      ["ipFilter.list", " 10.0.0.0/8 \r\n\r\n2001:db8::/32\n"],
    ]);
    expect(ok.status).toBe(200);
    expect(gw.services.settings.get().ipFilter).toEqual({ mode: "deny", list: ["10.0.0.0/8", "2001:db8::/32"] });
    await gw.services.settings.update({ ipFilter: { mode: "off", list: [] } });
  });

  test("blocked providers are the checked boxes", async () => {
    const res = await send("blocked-providers", [
      ["blockedProviders", "deepseek"],
      ["blockedProviders", "groq"],
      ["blockedProviders", "no-such"],
    ]);
    expect(res.status).toBe(200);
    expect(gw.services.settings.get().blockedProviders).toEqual(["deepseek", "groq"]);
    expect(await res.text()).toMatch(/value="groq" checked/);
  });
});

describe("routing", () => {
  test("strategy and sticky limit; a bad number is a 422 next to its field", async () => {
    const bad = await send("strategy", [
      ["routingStrategy", "p2c"],
      ["stickyRoundRobinLimit", "0"],
    ]);
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('id="f-stickyRoundRobinLimit-error"');
    expect(html).toContain("Must be at least 1");
    expect(html).toMatch(/<option value="p2c" selected/);
    expect(gw.services.settings.get().routingStrategy).toBe("fill-first");

    const ok = await send("strategy", [
      ["routingStrategy", "round-robin"],
      ["stickyRoundRobinLimit", "7"],
    ]);
    expect(ok.status).toBe(200);
    expect(gw.services.settings.get()).toMatchObject({ routingStrategy: "round-robin", stickyRoundRobinLimit: 7 });
  });

  test("per-provider strategy for a connected provider", async () => {
    const conn = await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k" } });
    expect(conn.status).toBe(201);
    expect(await (await page()).text()).toContain('name="providerStrategies.deepseek"');
    const res = await send("strategy", [
      ["routingStrategy", "fill-first"],
      ["stickyRoundRobinLimit", "3"],
      ["providerStrategies.deepseek", "random"],
    ]);
    expect(res.status).toBe(200);
    expect(gw.services.settings.get().providerStrategies).toEqual({ deepseek: "random" });
  });

  test("wildcard aliases: rows in order, blank rows dropped, an empty target is a 422 on its row", async () => {
    const bad = await send("aliases", [
      ["pattern", "claude-*"],
      ["target", "cc/claude-sonnet-4-5"],
      ["pattern", "gpt-*"],
      ["target", ""],
    ]);
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Required");
    expect(html).toContain('value="gpt-*"');
    expect(gw.services.settings.get().wildcardAliases).toEqual([]);

    const ok = await send("aliases", [
      ["pattern", "claude-*"],
      ["target", "cc/claude-sonnet-4-5"],
      ["pattern", ""],
      ["target", ""],
      ["pattern", "gpt-*"],
      ["target", "ds/deepseek-chat"],
    ]);
    expect(ok.status).toBe(200);
    expect(gw.services.settings.get().wildcardAliases).toEqual([
      { pattern: "claude-*", target: "cc/claude-sonnet-4-5" },
      { pattern: "gpt-*", target: "ds/deepseek-chat" },
    ]);
    // The alias takes effect in routing at once.
    expect(gw.services.router.resolve("gpt-4o")[0]!.label).toBe("ds/deepseek-chat");
  });

  test("an empty alias row can be added", async () => {
    const res = await fetch(`${gw.url}/dashboard/partials/settings/alias-row`, { headers: { cookie } });
    const html = await res.text();
    expect(html).toContain('name="pattern"');
    expect(html).toMatch(/<label for="alias-p-n\d+">/);
  });

  test("fallback chains: name and models one per line", async () => {
    const bad = await send("chains", [
      ["chainName", "coding"],
      ["chainModels", "\n \n"],
    ]);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Add at least one");

    const ok = await send("chains", [
      ["chainName", "coding"],
      ["chainModels", "cc/claude-sonnet-4-5\r\nds/deepseek-chat\n"],
    ]);
    expect(ok.status).toBe(200);
    expect(gw.services.settings.get().fallbackChains).toEqual([{ name: "coding", models: ["cc/claude-sonnet-4-5", "ds/deepseek-chat"] }]);
  });

  test("combo defaults", async () => {
    expect((await send("combo-defaults", [["comboDefaults.strategy", "nope"]])).status).toBe(422);
    const ok = await send("combo-defaults", [["comboDefaults.strategy", "weighted"]]);
    expect(ok.status).toBe(200);
    expect(gw.services.settings.get().comboDefaults.strategy).toBe("weighted");
  });
});

describe("AI and advanced", () => {
  test("thinking budget and system prompt; the prompt is escaped when shown", async () => {
    const bad = await send("ai", [
      ["thinkingBudget", "1.5"],
      ["systemPrompt", "x"],
    ]);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Must be a whole number");

    const ok = await send("ai", [
      ["thinkingBudget", "2048"],
      ["systemPrompt", "Be brief.\r\n</textarea><script>alert(1)</script>"],
    ]);
    expect(ok.status).toBe(200);
    expect(gw.services.settings.get()).toMatchObject({
      thinkingBudget: 2048,
      systemPrompt: "Be brief.\n</textarea><script>alert(1)</script>",
    });
    const html = await (await page()).text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;/textarea&gt;&lt;script&gt;");
  });

  test("cache settings, live stats and Clear cache", async () => {
    const bad = await send("cache", [
      ["cache.enabled", "1"],
      ["cache.ttlSeconds", "0"],
    ]);
    expect(bad.status).toBe(422);
    const ok = await send("cache", [["cache.ttlSeconds", "600"]]);
    expect(ok.status).toBe(200);
    expect(gw.services.settings.get().cache).toEqual({ enabled: false, ttlSeconds: 600 });

    gw.services.cache.set("k", { status: 200, headers: [], body: new Uint8Array(10) }, 60_000);
    const stats = await (await fetch(`${gw.url}/dashboard/partials/settings/cache-stats`, { headers: { cookie } })).text();
    expect(stats).toContain("1 (10 B)");
    const cleared = await send("cache/clear", []);
    expect(await cleared.text()).toContain("Cache cleared.");
    expect(gw.services.cache.stats().entries).toBe(0);
  });

  test("global proxy: field errors, a saved proxy whose password is kept but never shown, then back to the environment", async () => {
    const bad = await send(
      "proxy",
      [
        ["proxy.type", "http"],
        ["proxy.host", "http://proxy.example.com"],
        ["proxy.port", ""],
        ["noProxy", ""],
      ],
      "PUT",
    );
    expect(bad.status).toBe(422);
    let html = await bad.text();
    expect(html).toContain('id="f-proxy-host-error"');
    expect(html).toContain("Must be a host name or IP address");
    expect(html).toContain('id="f-proxy-port-error"');
    expect(gw.services.proxies.get().global).toBeUndefined();

    const ok = await send(
      "proxy",
      [
        ["proxy.type", "socks5"],
        ["proxy.host", "proxy.example.com"],
        ["proxy.port", "1080"],
        ["proxy.username", "me"],
        ["proxy.password", "s3cret"],
        ["noProxy", "localhost\n.internal.example.com"],
      ],
      "PUT",
    );
    expect(ok.status).toBe(200);
    html = await ok.text();
    expect(html).toContain("A password is stored");
    expect(html).not.toContain("s3cret");
    expect(gw.services.proxies.get().global).toEqual({
      type: "socks5",
      host: "proxy.example.com",
      port: 1080,
      username: "me",
      password: "s3cret",
    });
    expect(gw.services.proxies.get().noProxy).toEqual(["localhost", ".internal.example.com"]);

    // Saved again with the password left blank: the stored one stays.
    await send(
      "proxy",
      [
        ["proxy.type", "socks5"],
        ["proxy.host", "proxy.example.com"],
        ["proxy.port", "1080"],
        ["proxy.username", "me"],
        ["proxy.password", ""],
        ["noProxy", ""],
      ],
      "PUT",
    );
    expect(gw.services.proxies.get().global).toMatchObject({ password: "s3cret" });
    // The page shows the stored proxy, not its password.
    const page1 = await (await page()).text();
    expect(page1).toContain('value="proxy.example.com"');
    expect(page1).not.toContain("s3cret");

    await send(
      "proxy",
      [
        ["proxy.type", ""],
        ["noProxy", ""],
      ],
      "PUT",
    );
    expect(gw.services.proxies.get().global).toBeUndefined();
  });

  test("usage retention", async () => {
    expect((await send("retention", [["usageRetentionDays", "0"]])).status).toBe(422);
    expect((await send("retention", [["usageRetentionDays", "30"]])).status).toBe(200);
    expect(gw.services.settings.get().usageRetentionDays).toBe(30);
  });
});
