// The Combos page (to be built).
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { Layout } from "../../views/components/layout.tsx";

export function comboPages(services: Services) {
  return new Hono().get("/combos", (c) =>
    c.html(
      <Layout title="Combos" active="/dashboard/combos" defaultPassword={services.password.isDefault()}>
        <h1>Combos</h1>
      </Layout>,
    ),
  );
}
