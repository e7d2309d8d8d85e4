// The Translator page (to be built).
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { Layout } from "../../views/components/layout.tsx";

export function translatorPages(services: Services) {
  return new Hono().get("/translator", (c) =>
    c.html(
      <Layout title="Translator" active="/dashboard/translator" defaultPassword={services.password.isDefault()}>
        <h1>Translator</h1>
      </Layout>,
    ),
  );
}
