// The System page: export links, storage facts, and the import form (result or the file's problem shown in place).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { systemPages } from "../../src/dashboard/system.tsx";
import { errorResponse } from "../../src/gateway/error-response.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let a: TestGateway;
let b: TestGateway;
let cookie: string;
beforeAll(async () => {
  a = await startGateway();
  b = await startGateway();
  cookie = await a.login();
  await a.api("/api/providers", { body: { provider: "ds", name: "from-a", apiKey: "sk-a-123456789" } });
  await b.api("/api/providers", { body: { provider: "ds", name: "from-b", apiKey: "sk-b-123456789" } });
  await b.api("/api/combos", { body: { name: "b-combo", models: ["ds/deepseek-chat"] } });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

const page = async () => {
  const res = await fetch(`${a.url}/dashboard/system`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return res.text();
};

function postImport(bytes: Uint8Array | string, headers: Record<string, string> = { cookie, origin: a.url, "hx-request": "true" }) {
  const form = new FormData();
  form.append("file", new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)]), "backup.sqlite");
  return fetch(`${a.url}/dashboard/partials/system/import`, { method: "POST", headers, body: form });
}

describe("System page", () => {
  test("shows export links, the import form, and storage facts", async () => {
    const html = await page();
    expect(html).toContain("<title>System · OmniRoute</title>");
    expect(html).toContain('href="/api/db-backups/export"');
    expect(html).toContain('href="/api/db-backups/exportAll"');
    expect(html).toContain('hx-post="/dashboard/partials/system/import"');
    expect(html).toContain('hx-encoding="multipart/form-data"');
    expect(html).toMatch(/<label for="f-import-file">[^]*<input id="f-import-file" name="file" type="file"/);
    expect(html).toContain(a.config.dataDir);
    expect(html).toContain("Write-ahead log (WAL)");
    expect(html).toMatch(/<code>provider_connections<\/code><\/td><td>1<\/td>/);
    expect(html).toContain("No backups yet.");
    for (const th of html.match(/<th[\s>][^>]*>/g) ?? []) expect(th).toContain('scope="col"');
  });

  test("the export links download through the session cookie", async () => {
    const res = await fetch(`${a.url}/api/db-backups/export`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.sqlite3");
    await res.arrayBuffer();
  });

  test("a bad file is refused next to the field, and nothing changes", async () => {
    const res = await postImport("just some text");
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="import-form"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toMatch(/class="field-error" role="alert">This is not a SQLite database/);
    expect(a.services.accounts.accountsOf("deepseek").map((x) => x.name)).toEqual(["from-a"]);
  });

  test("a cross-site post is refused", async () => {
    const res = await postImport("x", { cookie, origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });

  test("a good file is imported: the summary replaces the form and the storage panel updates", async () => {
    const exported = new Uint8Array(await (await b.api("/api/db-backups/export")).arrayBuffer());
    const res = await postImport(exported);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Database imported.");
    expect(html).toMatch(/saved as <code>pre-import-[^<]+\.sqlite<\/code>/);
    expect(html).toContain('id="storage" aria-labelledby="storage-title" hx-swap-oob="true"');
    expect(html).toMatch(/<code>combos<\/code><\/td><td>1<\/td>/);
    expect(a.services.accounts.accountsOf("deepseek").map((x) => x.name)).toEqual(["from-b"]);
    // Still signed in (the password is this gateway's own), and the backup is listed.
    const after = await page();
    expect(after).toMatch(/<td><code>pre-import-[^<]+\.sqlite<\/code><\/td><td>[\d.]+ KB<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/td>/);
  });

  test("a file over the limit answers 413 with the limit named", async () => {
    const app = new Hono().route("/dashboard", systemPages(a.services, { maxImportBytes: 512 }));
    app.onError((err, c) => errorResponse(c.req.path, err));
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(4096)]), "big.sqlite");
    const res = await app.request("/dashboard/partials/system/import", { method: "POST", body: form });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("larger than the 512 bytes import limit");
  });
});
