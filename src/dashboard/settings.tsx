// The Settings page (to be built).
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { Layout } from "../../views/components/layout.tsx";

export function settingsPages(services: Services) {
  return new Hono().get("/settings", (c) =>
    c.html(
      <Layout title="Settings" active="/dashboard/settings" defaultPassword={services.password.isDefault()}>
        <h1>Settings</h1>
      </Layout>,
    ),
  );
}
