// /api/config over real HTTP: a file with every section routes through its combo and alias with the key from the
// environment; applying twice changes nothing; the dry run's diff; a bad file changes nothing; export round trip.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type TestGateway, rawDatabase } from "../support/gateway.ts";
import { CI_KEY, DS_KEY, chat, startConfigFixture, type ConfigFixture } from "./support.ts";

let fx: ConfigFixture;
const gateways: TestGateway[] = [];
beforeAll(async () => {
  fx = await startConfigFixture();
  Object.assign(process.env, fx.env);
});
afterAll(async () => {
  for (const gw of gateways) await gw.close();
  await fx.close();
});

async function gateway(): Promise<TestGateway> {
  const gw = await startGateway();
  gateways.push(gw);
  return gw;
}

interface ApplyAnswer {
  dryRun: boolean;
  created: Array<{ section: string; key: string }>;
  updated: Array<{ section: string; key: string; fields: string[] }>;
  removed: Array<{ section: string; key: string }>;
  unchanged: number;
  error: { message: string; problems: Array<Record<string, unknown>> };
}

/** POST /api/config/apply as the dashboard's signed-in user would (cookie and same origin), so no extra API key exists. */
async function apply(gw: TestGateway, cookie: string, yaml: string, dryRun = false) {
  const res = await fetch(`${gw.url}/api/config/apply${dryRun ? "?dryRun=true" : ""}`, {
    method: "POST",
    headers: { cookie, origin: gw.url, "content-type": "application/yaml" },
    body: yaml,
  });
  return { status: res.status, body: (await res.json()) as ApplyAnswer };
}

async function exported(gw: TestGateway, cookie: string): Promise<string> {
  const res = await fetch(`${gw.url}/api/config`, { headers: { cookie } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/yaml");
  return res.text();
}

/** What a second apply must leave exactly as it was: row counts and the latest write times. */
const STATE =
  "select (select count(*) from combos), (select count(*) from api_keys), (select count(*) from provider_connections), (select max(updated_at) from combos), (select max(updated_at) from settings), (select max(applied_at) from config_file_objects)";

describe("a file with every section", () => {
  test("applied over HTTP, the gateway routes through its combo and its alias with the key from the environment; applying again changes nothing", async () => {
    const gw = await gateway();
    const cookie = await gw.login();
    const first = await apply(gw, cookie, fx.yaml);
    expect(first.status).toBe(200);
    expect(first.body.created.map((c) => `${c.section} ${c.key}`)).toEqual([
      "nodes local",
      "models local/qwen3-coder",
      "providers local vllm",
      "providers deepseek main",
      "keys ci",
      "keys ops",
      "combos premium-coding",
      "combos free-forever",
    ]);
    expect(first.body.updated.map((c) => c.section)).toEqual(["settings", "resilience", "pricing", "proxy"]);

    // requireApiKey from the file: no key is refused, the environment's key routes.
    expect((await chat(gw.url, "premium-coding")).status).toBe(401);
    const viaCombo = await chat(gw.url, "premium-coding", CI_KEY);
    expect(viaCombo).toMatchObject({ status: 200, text: "from deepseek", servedBy: "ds/deepseek-chat" });
    expect(fx.deepseek.requests.at(-1)!.headers.authorization).toBe(`Bearer ${DS_KEY}`);
    const viaAlias = await chat(gw.url, "claude-sonnet-4-5", CI_KEY);
    expect(viaAlias).toMatchObject({ status: 200, text: "from the local node" });
    expect(fx.local.requests.at(-1)!.headers["x-api-token"]).toBe(fx.env.LOCAL_TOKEN);
    // The manage-scoped key from the file opens /api; it is stored hashed, never as given.
    expect((await fetch(`${gw.url}/api/keys`, { headers: { authorization: `Bearer ${fx.env.OPS_KEY}` } })).status).toBe(200);
    const stored = rawDatabase(gw.services).query("select key_hash from api_keys").values().flat();
    expect(stored).not.toContain(CI_KEY);
    expect(gw.services.budgets.list()).toEqual([expect.objectContaining({ limit: 50, period: "monthly" })]);

    const before = rawDatabase(gw.services).query(STATE).values();
    const second = await apply(gw, cookie, fx.yaml);
    expect(second.body).toMatchObject({ created: [], updated: [], removed: [], unchanged: 12 });
    expect(rawDatabase(gw.services).query(STATE).values()).toEqual(before);
    const dry = await apply(gw, cookie, fx.yaml, true);
    expect(dry.body).toMatchObject({ dryRun: true, created: [], updated: [], removed: [] });

    // The dashboard marks what came from the file and says the file wins.
    const page = await (await fetch(`${gw.url}/dashboard/combos`, { headers: { cookie } })).text();
    expect(page).toContain("from config file");
    const combo = gw.services.combos.byName("premium-coding")!;
    const edit = await (await fetch(`${gw.url}/dashboard/partials/combos/${combo.id}/edit`, { headers: { cookie } })).text();
    expect(edit).toContain("replaced the next time the file is applied");
    const keysPage = await (await fetch(`${gw.url}/dashboard/keys`, { headers: { cookie } })).text();
    expect(keysPage.match(/from config file/g)?.length).toBe(2);
  });

  test("the dry run answers, per object, what would be created, updated and removed, and changes nothing", async () => {
    const gw = await gateway();
    const cookie = await gw.login();
    await apply(gw, cookie, fx.yaml);
    // Made in the dashboard: left alone without prune, removed with it.
    const made = await fetch(`${gw.url}/api/combos`, {
      method: "POST",
      headers: { cookie, origin: gw.url, "content-type": "application/json" },
      body: JSON.stringify({ name: "clicked", models: ["ds/deepseek-chat"] }),
    });
    expect(made.status).toBe(201);
    expect((await apply(gw, cookie, fx.yaml)).body).toMatchObject({ created: [], updated: [], removed: [] });
    expect(gw.services.combos.byName("clicked")).toBeDefined();
    const changed = fx.yaml
      .replace("prune: false", "prune: true")
      .replace("    strategy: priority\n", "    strategy: round-robin\n")
      .replace("  - name: ops\n    key: ${OPS_KEY}\n    scopes: [manage]\n", "  - name: ops\n    key: ${OPS_KEY}\n    scopes: []\n")
      .replace("combos:\n", "combos:\n  - name: always-on\n    models: [premium-coding, local/qwen3-coder]\n");
    const before = await exported(gw, cookie);
    const dry = await apply(gw, cookie, changed, true);
    expect(dry.status).toBe(200);
    expect(dry.body.created).toEqual([{ section: "combos", key: "always-on" }]);
    expect(dry.body.updated).toEqual([
      { section: "keys", key: "ops", fields: ["scopes"] },
      { section: "combos", key: "premium-coding", fields: ["strategy"] },
    ]);
    expect(dry.body.removed).toEqual([{ section: "combos", key: "clicked" }]);
    expect(await exported(gw, cookie)).toBe(before);
    expect(gw.services.combos.byName("clicked")).toBeDefined();

    const applied = await apply(gw, cookie, changed);
    expect({ ...applied.body, dryRun: true }).toEqual(dry.body);
    expect(gw.services.combos.byName("clicked")).toBeUndefined();
    expect(gw.services.combos.byName("premium-coding")!.strategy).toBe("round-robin");
  });

  test("a file with problems answers 400 listing every one (section, item, field, line) and changes nothing", async () => {
    const gw = await gateway();
    const cookie = await gw.login();
    const before = await exported(gw, cookie);
    const bad = fx.yaml
      .replace("    strategy: priority\n", "    strategy: fastest\n")
      .replace("${DS_API_KEY}", "${DS_KEY_NOT_SET}")
      .replace("      - local/qwen3-coder\n  - name: free-forever", "      - nowhere/model\n  - name: free-forever");
    const res = await apply(gw, cookie, bad);
    expect(res.status).toBe(400);
    expect(res.body.error.problems).toEqual([
      {
        section: "providers",
        item: '"deepseek main"',
        field: "apiKey",
        line: 23,
        message: "the environment variable DS_KEY_NOT_SET is not set (write ${DS_KEY_NOT_SET:-default} to give a default)",
      },
      { section: "combos", item: '"premium-coding"', field: "strategy", line: 29, message: expect.stringContaining('(got "fastest")') },
    ]);
    expect(res.body.error.message).toContain("2 problems; nothing was applied");

    // Valid fields but references that do not resolve: found while applying, all of them, and rolled back.
    const unresolved = fx.yaml
      .replace("      - local/qwen3-coder\n  - name: free-forever", "      - nowhere/model\n  - name: free-forever")
      .replace("  - provider: ds\n", "  - provider: nosuch\n");
    const res2 = await apply(gw, cookie, unresolved);
    expect(res2.status).toBe(400);
    expect(res2.body.error.problems.map((p) => `${p.section} ${p.item} ${p.field} ${p.line}`)).toEqual([
      'providers "deepseek main" provider 21',
      'combos "premium-coding" models.1 32',
      // A consequence, reported too: the combo that names the refused one.
      'combos "free-forever" models.1 38',
    ]);
    expect(await exported(gw, cookie)).toBe(before);
    expect(gw.services.providers.get("local")).toBeUndefined();
  });
});

describe("the README's example", () => {
  test("the complete file in the README applies to an empty gateway, and applies again with no change", async () => {
    const readme = await Bun.file(join(import.meta.dir, "../../README.md")).text();
    const section = readme.slice(readme.indexOf("## Configuration file"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    Object.assign(process.env, {
      GLM_API_KEY: "glm-key",
      MINIMAX_API_KEY: "minimax-key",
      PROXY_PASSWORD: "proxy-pw",
      OMNIROUTE_CI_KEY: "sk-omni-readme-ci-key-0001",
      OMNIROUTE_OPS_KEY: "sk-omni-readme-ops-key-002",
    });
    const gw = await gateway();
    const cookie = await gw.login();
    const first = await apply(gw, cookie, yaml);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.created.filter((c) => c.section === "combos").map((c) => c.key)).toEqual([
      "maximize-claude",
      "free-forever",
      "always-on",
      "openclaw-free",
      "premium-coding",
    ]);
    expect(gw.services.proxies.get().providers.glm).toMatchObject({ type: "socks5", host: "proxy.internal", password: "proxy-pw" });
    expect((await apply(gw, cookie, yaml)).body).toMatchObject({ created: [], updated: [], removed: [] });
  });
});

describe("re-applying CONFIG_FILE", () => {
  test("POST /api/config/apply with no body applies the gateway's CONFIG_FILE; without one it says what to send", async () => {
    const bare = await gateway();
    const missing = await apply(bare, await bare.login(), "");
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("Send the configuration as YAML in the body, or start the gateway with CONFIG_FILE");

    const dir = mkdtempSync(join(tmpdir(), "omniroute-cfg-"));
    const file = join(dir, "omniroute.yaml");
    writeFileSync(file, fx.yaml);
    const gw = await startGateway({ CONFIG_FILE: file });
    gateways.push(gw);
    try {
      const cookie = await gw.login();
      const first = await apply(gw, cookie, "");
      expect(first.status).toBe(200);
      expect(first.body.created).toHaveLength(8);
      expect((await apply(gw, cookie, "", true)).body).toMatchObject({ created: [], updated: [], removed: [], unchanged: 12 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("export", () => {
  test("GET /api/config is YAML with ${...} placeholders, never a secret; applied to an empty gateway it exports the same file", async () => {
    const source = await gateway();
    const cookie = await source.login();
    await apply(source, cookie, fx.yaml);
    // Something made in the dashboard too, with a character apply would read as a placeholder.
    await fetch(`${source.url}/api/settings`, {
      method: "PUT",
      headers: { cookie, origin: source.url, "content-type": "application/json" },
      body: JSON.stringify({ systemPrompt: "Answer in ${LANG}, briefly." }),
    });
    const text = await exported(source, cookie);
    for (const secret of Object.values(fx.env)) expect(text).not.toContain(secret);
    expect(text).toContain('apiKey: "${DEEPSEEK_MAIN_API_KEY}"');
    expect(text).toContain('key: "${KEY_CI}"');
    expect(text).toContain('X-Api-Token: "${NODE_LOCAL_X_API_TOKEN}"');
    expect(text).toContain('systemPrompt: "Answer in $${LANG}, briefly."');
    expect(text).toContain(
      "set these variables before applying it: NODE_LOCAL_X_API_TOKEN, DEEPSEEK_MAIN_API_KEY, LOCAL_VLLM_API_KEY, KEY_CI, KEY_OPS.",
    );
    Object.assign(process.env, {
      NODE_LOCAL_X_API_TOKEN: fx.env.LOCAL_TOKEN,
      DEEPSEEK_MAIN_API_KEY: DS_KEY,
      LOCAL_VLLM_API_KEY: fx.env.LOCAL_API_KEY,
      KEY_CI: CI_KEY,
      KEY_OPS: fx.env.OPS_KEY,
    });

    const fresh = await gateway();
    const freshCookie = await fresh.login();
    const applied = await apply(fresh, freshCookie, text);
    expect(applied.status).toBe(200);
    expect(await exported(fresh, freshCookie)).toBe(text);
    expect(fresh.services.settings.get().systemPrompt).toBe("Answer in ${LANG}, briefly.");
    expect(await chat(fresh.url, "premium-coding", CI_KEY)).toMatchObject({ status: 200, text: "from deepseek" });
  });

  test("a client key without the manage scope reads no configuration", async () => {
    const gw = await gateway();
    const { key } = await gw.services.apiKeys.create("client", []);
    const res = await fetch(`${gw.url}/api/config`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(403);
  });
});
