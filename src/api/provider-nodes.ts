// /api/provider-nodes: custom providers speaking one of the four formats; their prefix works like a provider id.
import { Hono } from "hono";
import {
  NodeInputSchema,
  NodeUpdateSchema,
  createNode,
  deleteNodeById,
  listNodeViews,
  nodeView,
  requireNode,
  updateNodeById,
} from "../providers/node-service.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

export function providerNodeRoutes(services: Services) {
  return new Hono()
    .get("/", async (c) => c.json(await listNodeViews(services)))
    .post("/", validate("json", NodeInputSchema), async (c) => c.json(await createNode(services, c.req.valid("json")), 201))
    .get("/:id", async (c) => c.json(nodeView(services, await requireNode(services, c.req.param("id")))))
    .put("/:id", validate("json", NodeUpdateSchema), async (c) =>
      c.json(await updateNodeById(services, c.req.param("id"), c.req.valid("json"))),
    )
    .delete("/:id", async (c) => {
      await deleteNodeById(services, c.req.param("id"));
      return c.body(null, 204);
    });
}
