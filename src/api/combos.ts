// /api/combos: named fallback chains of models, usable as a model name in every format.
import { Hono } from "hono";
import { GatewayError } from "../canonical/errors.ts";
import { ComboInputSchema, type Combo } from "../routing/combos.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

function comboView(combo: Combo) {
  return { id: combo.id, name: combo.name, strategy: combo.strategy, models: combo.members.map((m) => ({ model: m.model, weight: m.weight })) };
}

export function comboRoutes(services: Services) {
  /** Every member must resolve now (a model, alias or another combo); a typo is caught when saved, not at 3 a.m. */
  const assertMembersResolve = (models: Array<string | { model: string }>, selfName: string) => {
    models.forEach((m, i) => {
      const name = typeof m === "string" ? m : m.model;
      if (name.toLowerCase() === selfName.toLowerCase()) return; // reported as a cycle by the store
      try {
        services.router.resolve(name);
      } catch (err) {
        if (err instanceof GatewayError && err.kind === "not_found") {
          throw new GatewayError("invalid_request", `models.${i}: "${name}" is not a known model, alias or combo.`, { param: `models.${i}` });
        }
        throw err;
      }
    });
  };
  const find = (id: string) => {
    const combo = services.combos.list().find((c) => c.id === id);
    if (!combo) throw new GatewayError("not_found", `No combo with id "${id}".`, { code: "combo_not_found" });
    return combo;
  };
  return new Hono()
    .get("/", (c) => c.json(services.combos.list().map(comboView)))
    .post("/", validate("json", ComboInputSchema), (c) => {
      const input = c.req.valid("json");
      assertMembersResolve(input.models, input.name);
      return c.json(comboView(services.combos.create(input, services.settings.get().comboDefaults.strategy)), 201);
    })
    .get("/:id", (c) => c.json(comboView(find(c.req.param("id")))))
    .put("/:id", validate("json", ComboInputSchema.partial().strict()), (c) => {
      const input = c.req.valid("json");
      const id = c.req.param("id");
      if (input.models) assertMembersResolve(input.models, input.name ?? find(id).name);
      return c.json(comboView(services.combos.update(id, input)));
    })
    .delete("/:id", (c) => {
      services.combos.remove(c.req.param("id"));
      return c.body(null, 204);
    });
}
