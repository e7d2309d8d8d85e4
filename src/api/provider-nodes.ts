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
    .get("/", (c) => c.json(listNodeViews(services)))
    .post("/", validate("json", NodeInputSchema), (c) => c.json(createNode(services, c.req.valid("json")), 201))
    .get("/:id", (c) => c.json(nodeView(services, requireNode(services, c.req.param("id")))))
    .put("/:id", validate("json", NodeUpdateSchema), (c) => c.json(updateNodeById(services, c.req.param("id"), c.req.valid("json"))))
    .delete("/:id", (c) => {
      deleteNodeById(services, c.req.param("id"));
      return c.body(null, 204);
    });
}
