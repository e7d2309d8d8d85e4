// Whole-document settings changed on two instances at the same moment: each change lands on what is stored, so both survive.
import { expect, test } from "bun:test";
import { createResilienceSettings } from "../../src/accounts/profiles.ts";
import { createSecretBox } from "../../src/auth/secret-box.ts";
import { createProxyStore } from "../../src/network/proxy-config.ts";
import { createSettingsStore } from "../../src/settings/store.ts";
import { createPricing } from "../../src/usage/pricing.ts";
import { describeEachStore } from "../support/stores.ts";

describeEachStore("settings changed on two instances at once", (fresh) => {
  test("app settings, resilience, price overrides and proxies: two patches of different fields both survive", async () => {
    const store = await fresh();
    const [a, b] = await Promise.all([createSettingsStore(store), createSettingsStore(store)]);
    await Promise.all([a.update({ stickyRoundRobinLimit: 7 }), b.update({ thinkingBudget: 4321 })]);
    const settings = (await createSettingsStore(store)).get();
    expect([settings.stickyRoundRobinLimit, settings.thinkingBudget]).toEqual([7, 4321]);

    const [ra, rb] = await Promise.all([createResilienceSettings(store), createResilienceSettings(store)]);
    await Promise.all([ra.update({ limits: { rpm: 30 } }), rb.update({ providers: { openai: { failureThreshold: 9 } } })]);
    const resilience = (await createResilienceSettings(store)).get();
    expect(resilience.limits.rpm).toBe(30);
    expect(resilience.providers.openai?.failureThreshold).toBe(9);

    const [pa, pb] = await Promise.all([createPricing(store), createPricing(store)]);
    const price = { input: 1, output: 2 };
    await Promise.all([pa.update({ openai: { "model-a": price } }), pb.update({ deepseek: { "model-b": price } })]);
    const overrides = (await createPricing(store)).overrides();
    expect(Object.keys(overrides).sort()).toEqual(["deepseek", "openai"]);

    const secrets = createSecretBox("proxy-secrets-0123456789abcdef");
    const [xa, xb] = await Promise.all([createProxyStore(store, secrets), createProxyStore(store, secrets)]);
    const proxy = (port: number) => ({ type: "http" as const, host: "proxy.lan", port });
    await Promise.all([xa.update({ providers: { openai: proxy(3128) } }), xb.update({ combos: { fast: proxy(8080) } })]);
    const proxies = (await createProxyStore(store, secrets)).get();
    expect([Object.keys(proxies.providers), Object.keys(proxies.combos)]).toEqual([["openai"], ["fast"]]);
  });
});
