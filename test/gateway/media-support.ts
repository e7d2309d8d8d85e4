// Shared set-up for the media endpoint tests: connections to fake upstreams, an SDK client, keys with budgets, a WAV file.
import OpenAI from "openai";
import { listUsageLogs } from "../../src/db/queries/usage.ts";
import type { MediaRequest } from "../fakes/media-fake.ts";
import type { TestGateway } from "../support/gateway.ts";

/** Connects an account of `provider` whose calls go to `baseUrl`; the api key doubles as its name. */
export async function connect(gw: TestGateway, provider: string, baseUrl: string, apiKey: string): Promise<string> {
  const res = await gw.api("/api/providers", { body: { provider, apiKey, baseUrl, name: apiKey } });
  if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

export async function sdk(gw: TestGateway, key?: string): Promise<OpenAI> {
  return new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key ?? (await gw.services.apiKeys.create("media", [])).key, maxRetries: 0 });
}

/** A client key with a monthly budget of `limit` USD. */
export async function keyWithBudget(gw: TestGateway, name: string, limit: number): Promise<{ id: string; key: string }> {
  const created = (await (await gw.api("/api/keys", { body: { name } })).json()) as { id: string; key: string };
  const set = await gw.api("/api/usage/budget", { body: { keyId: created.id, limit, period: "monthly" } });
  if (set.status !== 201) throw new Error(`budget not set: ${set.status} ${await set.text()}`);
  return created;
}

export const lastRow = async (gw: TestGateway) => (await listUsageLogs(gw.services.store, { limit: 1 }))[0]!;
export const rows = (gw: TestGateway) => listUsageLogs(gw.services.store, { limit: 500 });

/** Which account served a recorded request, by its credential in whichever header the provider uses. */
export const bearer = (r: MediaRequest) => r.headers.authorization?.replace(/^(Bearer|Token) /, "");

/** A short mono 16-bit PCM WAV (a 440 Hz tone), as a real client would upload. */
export function wavFile(seconds = 0.25, rate = 16_000): Uint8Array<ArrayBuffer> {
  const samples = Math.round(seconds * rate);
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) => [...s].forEach((ch, i) => view.setUint8(at + i, ch.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) view.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), true);
  return bytes;
}
