// /healthz is the liveness probe; /readyz is 503 until the database is migrated (and while rows cannot be written).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { readiness } from "../../src/api/readiness.ts";
import type { Db } from "../../src/db/client.ts";
import * as schema from "../../src/db/schema.ts";
import { createStoreProbe } from "../../src/db/store-probe.ts";
import { sqliteStore } from "../../src/db/store.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
});

describe("health probes", () => {
  test("a migrated gateway is live and ready", async () => {
    expect((await gw.app.request("/healthz")).status).toBe(200);
    const ready = await gw.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  test("a database whose migrations have not run is not ready, with the reason", async () => {
    const unmigrated = sqliteStore(drizzle({ client: new Database(":memory:"), schema }) as Db);
    expect(await readiness({ store: unmigrated, storeProbe: createStoreProbe(unmigrated), usage: gw.services.usage })).toEqual({
      ready: false,
      reason: "the database migrations have not run yet",
    });
    expect(await readiness(gw.services)).toEqual({ ready: true });
  });

  test("/healthz names the store and that it answers", async () => {
    expect(await (await gw.app.request("/healthz")).json()).toEqual({ status: "ok", store: { kind: "sqlite", reachable: true } });
  });
});
