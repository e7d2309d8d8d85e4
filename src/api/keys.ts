// /api/keys: client API keys. The key itself is in the 201 answer and nowhere else, ever.
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import type { ApiKeyRow } from "../db/queries/api-keys.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";
import { KEY_SCOPES } from "../auth/key-store.ts";

/** POST /api/keys; the configuration file's `keys` items take the same fields. */
export const KeyCreateSchema = z
  .object({ name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(KEY_SCOPES)).max(KEY_SCOPES.length).optional() })
  .strict();

function keyView(row: ApiKeyRow) {
  return { id: row.id, name: row.name, prefix: row.keyPrefix, scopes: row.scopes, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt };
}

export function keyRoutes(services: Services) {
  return new Hono()
    .get("/", (c) => c.json(services.apiKeys.list().map(keyView)))
    .post("/", validate("json", KeyCreateSchema), async (c) => {
      const { name, scopes } = c.req.valid("json");
      const { row, key } = await services.apiKeys.create(name, scopes ?? []);
      return c.json({ ...keyView(row), key }, 201);
    })
    .delete("/:id", async (c) => {
      if (!(await services.apiKeys.remove(c.req.param("id"))))
        throw new GatewayError("not_found", `No API key with id "${c.req.param("id")}".`, { code: "key_not_found" });
      services.budgets.forgetKey(c.req.param("id"));
      return c.body(null, 204);
    });
}
