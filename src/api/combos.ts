// /api/combos: named fallback chains of models, usable as a model name in every format.
import { Hono } from "hono";
import { comboView, createCombo, requireCombo, updateComboById } from "../routing/combo-service.ts";
import { ComboInputSchema } from "../routing/combos.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

export function comboRoutes(services: Services) {
  return new Hono()
    .get("/", (c) => c.json(services.combos.list().map(comboView)))
    .post("/", validate("json", ComboInputSchema), async (c) => c.json(comboView(await createCombo(services, c.req.valid("json"))), 201))
    .get("/:id", (c) => c.json(comboView(requireCombo(services, c.req.param("id")))))
    .put("/:id", validate("json", ComboInputSchema.partial().strict()), async (c) =>
      c.json(comboView(await updateComboById(services, c.req.param("id"), c.req.valid("json")))),
    )
    .delete("/:id", async (c) => {
      await services.combos.remove(c.req.param("id"));
      return c.body(null, 204);
    });
}
