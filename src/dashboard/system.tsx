// The System page (to be built).
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { Layout } from "../../views/components/layout.tsx";

export function systemPages(services: Services) {
  return new Hono().get("/system", (c) =>
    c.html(
      <Layout title="System" active="/dashboard/system" defaultPassword={services.password.isDefault()}>
        <h1>System</h1>
      </Layout>,
    ),
  );
}
