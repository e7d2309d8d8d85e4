// Settings -> Resilience: profiles and default limits, read-only until Edit, saved through the resilience service; breakers and lockouts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { sendSettingsForm } from "./settings-support.ts";

let gw: TestGateway;
let cookie: string;

beforeAll(async () => {
  gw = await startGateway();
  cookie = await gw.login();
});
afterAll(() => gw.close());

const send = (path: string, fields: Array<[string, string]>, method?: string) => sendSettingsForm(gw, cookie, path, fields, method);

describe("resilience", () => {
  const defaults = (over: Record<string, string> = {}): Array<[string, string]> =>
    Object.entries({
      "defaults.failureThreshold": "5",
      "defaults.breakerCooldownMs": "30000",
      "defaults.backoffBaseMs": "2000",
      "defaults.backoffCapMs": "300000",
      "defaults.timeoutMs": "600000",
      "defaults.streamIdleMs": "300000",
      "defaults.rateLimitStrikes": "1",
      "limits.rpm": "0",
      "limits.minIntervalMs": "0",
      "limits.maxConcurrent": "0",
      ...over,
    });

  test("read-only view, then the edit form with inputs, then Cancel's view again", async () => {
    const view = await (await fetch(`${gw.url}/dashboard/partials/settings/resilience`, { headers: { cookie } })).text();
    expect(view).toContain("30 s");
    expect(view).not.toContain("<input");
    const edit = await (await fetch(`${gw.url}/dashboard/partials/settings/resilience/edit`, { headers: { cookie } })).text();
    expect(edit).toContain('name="defaults.breakerCooldownMs"');
    expect(edit).toContain('value="30000"');
    expect(edit).toContain("Cancel");
  });

  test("Save validates with the resilience schema: 422 next to the field, nothing written", async () => {
    const res = await send("resilience", defaults({ "defaults.timeoutMs": "5", "limits.rpm": "abc" }), "PATCH");
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="f-defaults-timeoutMs-error"');
    expect(html).toContain("Must be at least 100");
    expect(html).toContain('id="f-limits-rpm-error"');
    expect(html).toContain('value="abc"');
    expect(gw.services.resilience.get().defaults.timeoutMs).toBe(600000);
  });

  test("Save writes defaults, limits and a provider override; a cleared cell goes back to the default", async () => {
    let res = await send(
      "resilience",
      [
        ...defaults({ "defaults.failureThreshold": "3", "limits.rpm": "60" }),
        ["override", "deepseek"],
        ["providers.deepseek.timeoutMs", "120000"],
        ["providers.deepseek.failureThreshold", "9"],
      ],
      "PATCH",
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Saved.");
    let r = gw.services.resilience.get();
    expect(r.defaults.failureThreshold).toBe(3);
    expect(r.limits.rpm).toBe(60);
    expect(r.providers.deepseek).toEqual({ timeoutMs: 120000, failureThreshold: 9 });

    res = await send(
      "resilience",
      [...defaults(), ["override", "deepseek"], ["providers.deepseek.timeoutMs", "90000"], ["providers.deepseek.failureThreshold", ""]],
      "PATCH",
    );
    expect(res.status).toBe(200);
    r = gw.services.resilience.get();
    expect(r.providers.deepseek).toEqual({ timeoutMs: 90000 });

    res = await send(
      "resilience",
      [...defaults(), ["override", "deepseek"], ["providers.deepseek.timeoutMs", "90000"], ["providers.deepseek.remove", "1"]],
      "PATCH",
    );
    expect(gw.services.resilience.get().providers).toEqual({});
  });

  test("rate-limit detection sensitivity is edited with the profile", async () => {
    const res = await send("resilience", defaults({ "defaults.rateLimitStrikes": "3" }), "PATCH");
    expect(res.status).toBe(200);
    expect(gw.services.resilience.get().defaults.rateLimitStrikes).toBe(3);
    expect(await res.text()).toContain("Rate-limit detection: 429s in a row that cool an account");
    const bad = await send("resilience", defaults({ "defaults.rateLimitStrikes": "0" }), "PATCH");
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('id="f-defaults-rateLimitStrikes-error"');
    await send("resilience", defaults(), "PATCH");
  });

  test("breakers and lockouts with Unlock and Reset all, in the Resilience tab", async () => {
    const account = { id: "acct-locked", provider: "ds" };
    gw.services.health.cooldowns.penalize(
      account.id,
      null,
      { kind: "quota", status: 429, message: "used up" },
      gw.services.resilience.profile("ds"),
    );
    const page = await (await fetch(`${gw.url}/dashboard/settings`, { headers: { cookie } })).text();
    const tab = page.slice(page.indexOf('id="resilience"'));
    expect(tab).toContain("Breakers and lockouts");
    expect(tab).toContain('<div id="settings-lockouts-body"');
    expect(tab).toContain("acct-locked");
    expect(tab).toContain("&quot;body&quot;:&quot;settings-lockouts-body&quot;");
    const unlock = await fetch(`${gw.url}/dashboard/partials/health/reset`, {
      method: "POST",
      headers: { cookie, origin: gw.url, "hx-request": "true", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ connectionId: account.id, body: "settings-lockouts-body" }).toString(),
    });
    expect(unlock.status).toBe(200);
    expect(await unlock.text()).toContain("Nothing is locked.");
    expect(gw.services.health.cooldowns.active()).toEqual([]);
    gw.services.health.cooldowns.penalize(
      account.id,
      null,
      { kind: "quota", status: 429, message: "used up" },
      gw.services.resilience.profile("ds"),
    );
    const all = await fetch(`${gw.url}/dashboard/partials/health/reset`, {
      method: "POST",
      headers: { cookie, origin: gw.url, "hx-request": "true", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ body: "settings-lockouts-body" }).toString(),
    });
    expect(await all.text()).toContain("Nothing is locked.");
    expect(gw.services.health.cooldowns.active()).toEqual([]);
  });

  test("a row for a new override", async () => {
    const res = await fetch(`${gw.url}/dashboard/partials/settings/resilience/override-row?addOverride=groq`, { headers: { cookie } });
    const html = await res.text();
    expect(html).toContain('name="providers.groq.timeoutMs"');
    // The provider list is re-sent without the one just added.
    expect(html).toContain('id="f-add-override"');
    expect(html).not.toContain('<option value="groq">');
    const again = await fetch(`${gw.url}/dashboard/partials/settings/resilience/override-row?addOverride=groq&override=groq`, {
      headers: { cookie },
    });
    expect(again.status).toBe(204);
    const bad = await fetch(`${gw.url}/dashboard/partials/settings/resilience/override-row?addOverride=nope`, { headers: { cookie } });
    expect(bad.status).toBe(404);
  });
});
