// The CLI tools page (to be built).
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { Layout } from "../../views/components/layout.tsx";

export function cliToolPages(services: Services) {
  return new Hono().get("/cli-tools", (c) =>
    c.html(
      <Layout title="CLI tools" active="/dashboard/cli-tools" defaultPassword={services.password.isDefault()}>
        <h1>CLI tools</h1>
      </Layout>,
    ),
  );
}
