// The Costs page (to be built).
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { Layout } from "../../views/components/layout.tsx";

export function costPages(services: Services) {
  return new Hono().get("/costs", (c) =>
    c.html(
      <Layout title="Costs" active="/dashboard/costs" defaultPassword={services.password.isDefault()}>
        <h1>Costs</h1>
      </Layout>,
    ),
  );
}
