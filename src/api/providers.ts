// /api/providers: the catalog, and CRUD + test of the user's provider connections.
import { Hono } from "hono";
import { z } from "zod";
import {
  ConnectionCreateSchema,
  ConnectionUpdateSchema,
  connectionView,
  createConnection,
  deleteConnectionById,
  listConnectionViews,
  requireConnection,
  updateConnectionById,
} from "../accounts/connection-service.ts";
import { testConnection } from "../accounts/connection-test.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

export function providerRoutes(services: Services) {
  return new Hono()
    .get("/catalog", (c) =>
      c.json(
        services.providers.all().map((p) => ({
          id: p.id,
          alias: p.alias,
          name: p.name,
          format: p.format,
          authType: p.authType,
          tier: p.tier,
          baseUrl: p.baseUrl,
          docsUrl: p.docsUrl ?? null,
          custom: services.providers.isCustom(p.id),
          models: p.models.map((m) => ({ id: m.id, name: m.name, type: m.type })),
        })),
      ),
    )
    .get("/", validate("query", z.object({ provider: z.string().optional() })), async (c) => {
      const provider = c.req.valid("query").provider;
      const spec = provider ? services.providers.get(provider) : undefined;
      return c.json(await listConnectionViews(services, spec?.id ?? provider));
    })
    .post("/", validate("json", ConnectionCreateSchema), async (c) => c.json(await createConnection(services, c.req.valid("json")), 201))
    .get("/:id", async (c) => c.json(connectionView(services, await requireConnection(services, c.req.param("id")))))
    .put("/:id", validate("json", ConnectionUpdateSchema), async (c) =>
      c.json(await updateConnectionById(services, c.req.param("id"), c.req.valid("json"))),
    )
    .delete("/:id", async (c) => {
      await deleteConnectionById(services, c.req.param("id"));
      return c.body(null, 204);
    })
    .post(
      "/:id/test",
      validate(
        "json",
        z
          .object({ model: z.string().min(1).optional() })
          .strict()
          .optional()
          .default({}),
      ),
      async (c) => c.json(await testConnection(services, await requireConnection(services, c.req.param("id")), c.req.valid("json")?.model)),
    );
}
