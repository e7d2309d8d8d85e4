// The Usage page (to be built).
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { Layout } from "../../views/components/layout.tsx";

export function usagePages(services: Services) {
  return new Hono().get("/usage", (c) =>
    c.html(
      <Layout title="Usage" active="/dashboard/usage" defaultPassword={services.password.isDefault()}>
        <h1>Usage</h1>
      </Layout>,
    ),
  );
}
