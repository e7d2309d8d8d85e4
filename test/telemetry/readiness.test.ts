// /healthz is the liveness probe; /readyz is 503 until the database is migrated (and while rows cannot be written).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { readiness } from "../../src/api/readiness.ts";
import type { Db } from "../../src/db/client.ts";
import * as schema from "../../src/db/schema.ts";
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

  test("a database whose migrations have not run is not ready, with the reason", () => {
    const unmigrated = drizzle({ client: new Database(":memory:"), schema }) as Db;
    expect(readiness({ db: unmigrated, usage: gw.services.usage })).toEqual({
      ready: false,
      reason: "the database migrations have not run yet",
    });
    expect(readiness({ db: gw.services.db, usage: gw.services.usage })).toEqual({ ready: true });
  });
});
