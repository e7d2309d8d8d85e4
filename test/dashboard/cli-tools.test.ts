// The CLI tools page: snippets filled with the gateway URL, key and model; a key created on the spot; "Write config" safety.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type TestGateway } from "../support/gateway.ts";

const ROOT = join(import.meta.dir, "../..");
let gw: TestGateway;
let cookie: string;

beforeAll(async () => {
  gw = await startGateway({ BASE_URL: "http://localhost:20128", ALLOWED_HOSTS: "gateway.example.com" });
  cookie = await gw.login();
});
afterAll(() => gw.close());

function post(url: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}, auth = cookie) {
  return fetch(`${url}/dashboard/partials/cli-tools/${path}`, {
    method: "POST",
    headers: { cookie: auth, origin: url, ...headers },
    body: new URLSearchParams(fields),
  });
}

describe("the page", () => {
  test("a title, every tool, the gateway URL and a copy button per snippet", async () => {
    const res = await fetch(`${gw.url}/dashboard/cli-tools`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>CLI tools · OmniRoute</title>");
    for (const name of ["Claude Code", "Codex CLI", "Gemini CLI", "Cursor", "Cline, Roo Code, Continue", "OpenClaw"])
      expect(html).toContain(name);
    expect(html).toContain("http://localhost:20128/v1");
    const pres = html.match(/<pre [^>]*id="snip-[a-z-]+"/g) ?? [];
    expect(pres.length).toBeGreaterThanOrEqual(9);
    for (const pre of pres) {
      const id = /id="(snip-[a-z-]+)"/.exec(pre)![1];
      expect(html).toContain(`data-copy-target="#${id}"`);
    }
    expect(html).toContain("&lt;your-omniroute-api-key&gt;");
    // The test client is on 127.0.0.1: the write buttons are enabled.
    expect(html).toContain("Write config to ~/.claude/settings.json");
    expect(html).not.toMatch(/<button[^>]*disabled=""[^>]*hx-post="\/dashboard\/partials\/cli-tools\/write/);
  });
});

describe("snippets", () => {
  test("filled with the chosen key and model, in each tool's own format", async () => {
    const { key } = await gw.services.apiKeys.create("laptop", []);
    const res = await post(gw.url, "snippets", { keyId: "", apiKey: key, model: "cc/claude-sonnet-4-5" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`export ANTHROPIC_AUTH_TOKEN=&#39;${key}&#39;`);
    expect(html).toContain("export ANTHROPIC_BASE_URL=&#39;http://localhost:20128&#39;");
    expect(html).toContain("wire_api = &quot;responses&quot;");
    expect(html).toContain("env_key = &quot;OMNIROUTE_API_KEY&quot;");
    expect(html).toContain("GOOGLE_GEMINI_BASE_URL=&#39;http://localhost:20128&#39;");
    expect(html).toContain("&quot;selectedType&quot;: &quot;gemini-api-key&quot;");
    expect(html).toContain("Override OpenAI Base URL: http://localhost:20128/v1");
    expect(html).toContain("API Provider: OpenAI Compatible");
    expect(html).toContain("&quot;primary&quot;: &quot;omniroute/cc/claude-sonnet-4-5&quot;");
    expect(html).not.toContain('role="alert"');
  });

  test("a pasted key that is not the chosen one, or no key of this gateway, is flagged", async () => {
    const { row } = await gw.services.apiKeys.create("ci", []);
    let html = await (await post(gw.url, "snippets", { keyId: row.id, apiKey: "sk-something-else", model: "m" })).text();
    expect(html).toContain(`as &quot;ci&quot; does`);
    html = await (await post(gw.url, "snippets", { keyId: "", apiKey: "nope", model: "m" })).text();
    expect(html).toContain("No key of this gateway starts like the pasted one");
  });

  test("user input is escaped", async () => {
    const html = await (await post(gw.url, "snippets", { apiKey: "", model: "<img src=x onerror=alert(1)>" })).text();
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("a new key for the tools", () => {
  test("creates a client key and fills it into the form and the snippets once", async () => {
    const before = gw.services.apiKeys.list().length;
    const res = await post(gw.url, "key", { newKeyName: "Claude Code on laptop", model: "cc/x" });
    expect(res.status).toBe(200);
    const html = await res.text();
    const keys = gw.services.apiKeys.list();
    expect(keys.length).toBe(before + 1);
    const row = keys.find((k) => k.name === "Claude Code on laptop")!;
    expect(row.scopes).toEqual([]);
    const secret = new RegExp(`value="(${row.keyPrefix}[^"]+)"`).exec(html)![1]!;
    expect(gw.services.apiKeys.authenticate(secret)?.id).toBe(row.id);
    expect(html).toContain("shown only this once");
    expect(html).toContain('hx-swap-oob="true"');
    expect(html).toContain(`ANTHROPIC_AUTH_TOKEN=&#39;${secret}&#39;`);
  });

  test("a blank name is a 422 next to the field", async () => {
    const res = await post(gw.url, "key", { newKeyName: "  " });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Give the key a name");
  });
});

describe("Write config refusals (nothing is written)", () => {
  test("through a proxy, from another host name, for an unknown tool, without model or key", async () => {
    const fields = { apiKey: "sk-x", model: "m" };
    const proxied = await post(gw.url, "write/claude-code", fields, { "x-forwarded-for": "198.51.100.7" });
    expect(proxied.status).toBe(403);
    expect(await proxied.text()).toContain("only when the browser runs on the gateway");
    const otherHost = await post(gw.url, "write/claude-code", fields, {
      host: "gateway.example.com",
      origin: "http://gateway.example.com",
    });
    expect(otherHost.status).toBe(403);
    expect(await otherHost.text()).toContain("only when the browser runs on the gateway");
    expect((await post(gw.url, "write/cursor", fields)).status).toBe(404);
    const noModel = await post(gw.url, "write/claude-code", { apiKey: "sk-x", model: "" });
    expect(noModel.status).toBe(422);
    expect(await noModel.text()).toContain("Choose a model first.");
    const noKey = await post(gw.url, "write/openclaw", { apiKey: "", model: "m" });
    expect(noKey.status).toBe(422);
    expect(await noKey.text()).toContain("Paste the key");
  });

  test("a cross-site write is refused", async () => {
    const res = await fetch(`${gw.url}/dashboard/partials/cli-tools/write/claude-code`, {
      method: "POST",
      headers: { cookie, origin: "https://evil.example" },
      body: new URLSearchParams({ apiKey: "k", model: "m" }),
    });
    expect(res.status).toBe(403);
  });
});

describe("Write config on a real gateway process with its own HOME", () => {
  const home = mkdtempSync(join(tmpdir(), "omniroute-clihome-"));
  let proc: ReturnType<typeof Bun.spawn> | undefined;
  afterAll(() => {
    proc?.kill();
    rmSync(home, { recursive: true, force: true });
  });

  test("merges into an existing settings.json, keeps other keys, backs it up, mode 0600, shows the path", async () => {
    mkdirSync(join(home, ".claude"));
    const settingsPath = join(home, ".claude/settings.json");
    writeFileSync(settingsPath, JSON.stringify({ permissions: { allow: ["Read"] }, env: { KEEP_ME: "1" } }));
    proc = Bun.spawn([process.execPath, "run", "src/main.ts"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH!,
        HOME: home,
        DATA_DIR: join(home, "data"),
        PORT: "0",
        LOG_LEVEL: "info",
        INITIAL_PASSWORD: "pw-for-tests",
        BASE_URL: "http://localhost:20128",
      },
      stdout: "ignore",
      stderr: "pipe",
    });
    const reader = (proc.stderr as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (!/listening on (http:\/\/\S+)/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`gateway exited:\n${text}`);
      text += new TextDecoder().decode(value);
    }
    void (async () => {
      while (!(await reader.read()).done) {
        /* drain */
      }
    })();
    const url = /listening on (http:\/\/\S+)/.exec(text)![1]!.replace("0.0.0.0", "127.0.0.1");
    const login = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password: "pw-for-tests" }),
    });
    const procCookie = login.headers.get("set-cookie")!.split(";")[0]!;

    const res = await post(url, "write/claude-code", { apiKey: "sk-omni-test", model: "cc/claude-sonnet-4-5" }, {}, procCookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(settingsPath);
    expect(html).toContain(".bak-");

    const written = JSON.parse(readFileSync(settingsPath, "utf8"));
    expect(written.permissions).toEqual({ allow: ["Read"] });
    expect(written.env).toMatchObject({
      KEEP_ME: "1",
      ANTHROPIC_BASE_URL: "http://localhost:20128",
      ANTHROPIC_AUTH_TOKEN: "sk-omni-test",
      ANTHROPIC_MODEL: "cc/claude-sonnet-4-5",
    });
    expect(statSync(settingsPath).mode & 0o777).toBe(0o600);
    const backups = readdirSync(join(home, ".claude")).filter((f) => f.startsWith("settings.json.bak-"));
    expect(backups.length).toBe(1);
    expect(JSON.parse(readFileSync(join(home, ".claude", backups[0]!), "utf8")).env).toEqual({ KEEP_ME: "1" });
  }, 20_000);
});
