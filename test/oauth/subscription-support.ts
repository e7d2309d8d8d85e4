// Shared set-up for the Claude Code and Codex login tests: a temp home folder, the stored (sealed) credentials, client calls.
import { rawDatabase } from "../support/gateway.ts";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestGateway } from "../support/gateway.ts";

export interface TempHome {
  dir: string;
  write(relPath: string, json: unknown): void;
  remove(relPath: string): void;
  close(): void;
}

export function tempHome(): TempHome {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-home-"));
  return {
    dir,
    write(relPath, json) {
      mkdirSync(dirname(join(dir, relPath)), { recursive: true });
      writeFileSync(join(dir, relPath), JSON.stringify(json, null, 2));
    },
    remove: (relPath) => rmSync(join(dir, relPath), { force: true }),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A connection's row as stored (credentials sealed) and its credentials opened. */
export function stored(
  gw: TestGateway,
  id: string,
): { row: Record<string, unknown>; credentials: Record<string, unknown>; metadata: Record<string, unknown> } {
  const row = rawDatabase(gw.services).query("select * from provider_connections where id = ?").get(id) as Record<string, unknown>;
  return {
    row,
    credentials: JSON.parse(gw.services.secrets.open(String(row.credentials))),
    metadata: JSON.parse(String(row.metadata ?? "{}")),
  };
}

/** POST to the gateway's client API with a fresh client key. */
export async function callGateway(gw: TestGateway, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await gw.adminKey()}`, ...headers },
    body: JSON.stringify(body),
  });
}

/** Point a connection at a fake upstream (an account's own base URL). */
export async function pointAt(gw: TestGateway, id: string, baseUrl: string): Promise<void> {
  const res = await gw.api(`/api/providers/${id}`, { method: "PUT", body: { baseUrl } });
  if (res.status !== 200) throw new Error(`could not set baseUrl: ${res.status} ${await res.text()}`);
}
