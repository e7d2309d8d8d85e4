// The Providers page (to be built).
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { Layout } from "../../views/components/layout.tsx";

export function providerPages(services: Services) {
  return new Hono().get("/providers", (c) =>
    c.html(
      <Layout title="Providers" active="/dashboard/providers" defaultPassword={services.password.isDefault()}>
        <h1>Providers</h1>
      </Layout>,
    ),
  );
}
