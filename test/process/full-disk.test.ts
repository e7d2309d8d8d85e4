// The real process with DATA_DIR on a real small disk (tmpfs) that fills up: it keeps serving, survives its
// periodic save failing, logs the failure once, writes the held usage rows when space returns, exits 0 on SIGTERM
// (1, naming what is lost, when the disk is still full), and leaves a database that passes integrity_check.
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { CAN_MOUNT_SMALL_DISK, mountSmallDisk, type SmallDisk } from "../support/small-disk.ts";

const ROOT = join(import.meta.dir, "../..");
let disk: SmallDisk | undefined;
afterEach(() => {
  disk?.remove();
  disk = undefined;
});

/** `bun src/main.ts` on `dataDir`; its stderr is collected in `log()`. */
async function boot(dataDir: string) {
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: dataDir, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "info", INITIAL_PASSWORD: "pw-for-tests" },
    stdout: "ignore",
    stderr: "pipe",
  });
  let text = "";
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of proc.stderr) text += decoder.decode(chunk);
  })();
  const until = async (pattern: RegExp, ms: number) => {
    for (const started = Date.now(); !pattern.test(text); await Bun.sleep(20)) {
      if (proc.exitCode !== null) throw new Error(`gateway exited (${proc.exitCode}) before ${pattern}:\n${text}`);
      if (Date.now() - started > ms) throw new Error(`no ${pattern} within ${ms} ms:\n${text}`);
    }
  };
  await until(/listening on http:\/\/\S+/, 20_000);
  const url = /listening on (http:\/\/\S+)/.exec(text)![1]!;
  const login = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ password: "pw-for-tests" }),
  });
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const api = (path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json", cookie, origin: url },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const chat = async (stream: boolean) => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/deepseek-chat", stream, messages: [{ role: "user", content: "hi" }] }),
    });
    return { status: res.status, text: await res.text() };
  };
  const ready = async () => (await fetch(`${url}/readyz`)).status;
  return { proc, url, api, chat, ready, until, log: () => text, done: reading };
}

function rowsIn(dataDir: string): { integrity: string; rows: number } {
  const db = new Database(join(dataDir, "omniroute.sqlite"));
  try {
    const integrity = (db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
    return { integrity, rows: (db.query("select count(*) as n from usage_log").get() as { n: number }).n };
  } finally {
    db.close();
  }
}

describe.skipIf(!CAN_MOUNT_SMALL_DISK)("the process on a full disk", () => {
  test("serves, survives its periodic save failing, logs once, writes the held rows when space returns, SIGTERM exits 0", async () => {
    disk = mountSmallDisk(8)!;
    const upstream = startOpenAIUpstream({ kind: "text", text: "still here", usage: { input: 5, output: 2 } });
    const gw = await boot(disk.dir);
    try {
      expect((await gw.api("/api/providers", { provider: "ds", apiKey: "k", baseUrl: `${upstream.url}/v1` })).status).toBe(201);
      let sent = 0;
      const served = async (stream: boolean) => {
        const a = await gw.chat(stream);
        sent++;
        expect(a.status).toBe(200);
        expect(a.text).toContain(stream ? "data: [DONE]" : "still here");
      };
      await served(false);
      disk.fill();
      // The WAL may still have room from before; the disk is full for usage rows at the first commit past it.
      for (let i = 0; (await gw.ready()) === 200; i++) {
        if (i >= 2_000) throw new Error("usage rows were still written after 2,000 requests on a full disk");
        await served(i % 2 === 0);
      }
      for (let i = 0; i < 10; i++) await served(i % 2 === 0);

      // The periodic save (every 10 s) fails on the full disk and says so; the process lives on and serves.
      await gw.until(/in-memory state .* not saved/, 20_000);
      await served(true);
      expect(gw.proc.exitCode).toBeNull();
      expect(await gw.ready()).toBe(503);
      expect(gw.log().match(/usage rows (still )?cannot be written/g)).toHaveLength(1);
      expect(gw.log().match(/in-memory state .* not saved/g)).toHaveLength(1);

      disk.free();
      for (const started = Date.now(); (await gw.ready()) !== 200; await Bun.sleep(20)) {
        if (Date.now() - started > 10_000) throw new Error(`not ready within 10 s of space returning:\n${gw.log()}`);
      }
      expect(gw.log()).toMatch(/usage rows are written again after \d+ s; every held row is written \(0 lost since start\)/);
      gw.proc.kill("SIGTERM");
      expect(await gw.proc.exited).toBe(0);
      await gw.done;
      expect(gw.log()).toContain("stopped cleanly");
      expect(rowsIn(disk.dir)).toEqual({ integrity: "ok", rows: sent });
    } finally {
      gw.proc.kill("SIGKILL");
      await upstream.close();
    }
  }, 60_000);

  test("SIGTERM while the disk is still full exits 1 naming the rows it could not write; the database opens intact once space returns", async () => {
    disk = mountSmallDisk(8)!;
    const upstream = startOpenAIUpstream({ kind: "text", text: "still here", usage: { input: 5, output: 2 } });
    const gw = await boot(disk.dir);
    try {
      expect((await gw.api("/api/providers", { provider: "ds", apiKey: "k", baseUrl: `${upstream.url}/v1` })).status).toBe(201);
      expect((await gw.chat(false)).status).toBe(200);
      disk.fill();
      let afterFill = 0;
      for (; (await gw.ready()) === 200; afterFill++) {
        if (afterFill >= 2_000) throw new Error("usage rows were still written after 2,000 requests on a full disk");
        expect((await gw.chat(false)).status).toBe(200);
      }
      const health = await (await gw.api("/api/health")).json();
      const held = health.storage.pending as number;
      expect(held).toBeGreaterThan(0);
      gw.proc.kill("SIGTERM");
      expect(await gw.proc.exited).toBe(1);
      await gw.done;
      expect(gw.log()).toContain(`${held} usage row(s) held in memory could not be written before exit and are lost`);
      disk.free();
      const after = rowsIn(disk.dir);
      expect(after.integrity).toBe("ok");
      expect(after.rows).toBe(1 + afterFill - held);
    } finally {
      gw.proc.kill("SIGKILL");
      await upstream.close();
    }
  }, 60_000);
});
