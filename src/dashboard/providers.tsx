// The Providers page and its account partials: connect, edit, enable/disable, test, delete (the same services as /api/providers).
/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { z } from "zod";
import {
  ConnectionCreateSchema,
  ConnectionUpdateSchema,
  connectionView,
  createConnection,
  deleteConnectionById,
  requireConnection,
  updateConnectionById,
} from "../accounts/connection-service.ts";
import { testConnection } from "../accounts/connection-test.ts";
import { GatewayError } from "../canonical/errors.ts";
import type { Services } from "../services.ts";
import { ProvidersPage } from "../../views/pages/providers.tsx";
import {
  ConnectedCount,
  ConnectForm,
  ConnectionEditForm,
  ConnectionItem,
  ConnectionList,
  TestResult,
} from "../../views/partials/providers.tsx";
import { connectionFormInput } from "./connection-form.ts";
import { readForm, validateForm } from "./forms.ts";
import { providerCustomPages } from "./provider-custom.tsx";
import { providerOAuthPages } from "./provider-oauth.tsx";
import { connectionsOf, echoValues, providersPageData, requireSpec, serviceFieldErrors } from "./provider-data.ts";

/** The provider's account list and the count in its summary line, after any change to its accounts. */
async function accountsChanged(services: Services, providerId: string) {
  const connections = await connectionsOf(services, providerId);
  return (
    <>
      <ConnectionList providerId={providerId} connections={connections} />
      <ConnectedCount providerId={providerId} connections={connections} oob />
    </>
  );
}

export function providerPages(services: Services) {
  const view = async (id: string) => {
    const v = connectionView(services, await requireConnection(services, id));
    return (await connectionsOf(services, v.provider)).find((c) => c.id === id) ?? v;
  };

  return new Hono()
    .get("/providers", async (c) => {
      const data = await providersPageData(services);
      return c.html(<ProvidersPage groups={data.groups} custom={data.custom} defaultPassword={services.password.isDefault()} />);
    })

    .post("/partials/providers/:provider/connections", async (c) => {
      const spec = requireSpec(services, c.req.param("provider"));
      const form = await readForm(c);
      const values = echoValues(form.raw);
      const { input, errors } = connectionFormInput(form, "create");
      if (Object.keys(errors).length) return c.html(<ConnectForm spec={spec} errors={errors} values={values} />, 422);
      const parsed = validateForm(ConnectionCreateSchema, { provider: spec.id, ...input });
      if (!parsed.ok) return c.html(<ConnectForm spec={spec} errors={parsed.errors} values={values} />, 422);
      let created;
      try {
        created = await createConnection(services, parsed.data);
      } catch (err) {
        const errors = serviceFieldErrors(err);
        if (spec.authType === "oauth" && errors.apiKey) errors.apiKey = `Paste an access token, or use "Connect with ${spec.name}" above.`;
        return c.html(<ConnectForm spec={spec} errors={errors} values={values} />, 422);
      }
      const connections = await connectionsOf(services, spec.id);
      return c.html(
        <>
          <ConnectForm spec={spec} ok={`Connected "${created.name}". Use Test to check the key.`} />
          <ConnectionList providerId={spec.id} connections={connections} oob />
          <ConnectedCount providerId={spec.id} connections={connections} oob />
        </>,
      );
    })

    .get("/partials/connections/:id", async (c) => c.html(<ConnectionItem conn={await view(c.req.param("id"))} />))
    .get("/partials/connections/:id/edit", async (c) => c.html(<ConnectionEditForm conn={await view(c.req.param("id"))} />))
    .put("/partials/connections/:id", async (c) => {
      const conn = await view(c.req.param("id"));
      const form = await readForm(c);
      const values = echoValues(form.raw);
      const { input, errors } = connectionFormInput(form, "update");
      if (Object.keys(errors).length) return c.html(<ConnectionEditForm conn={conn} errors={errors} values={values} />, 422);
      const parsed = validateForm(ConnectionUpdateSchema, input);
      if (!parsed.ok) return c.html(<ConnectionEditForm conn={conn} errors={parsed.errors} values={values} />, 422);
      try {
        await updateConnectionById(services, conn.id, parsed.data);
      } catch (err) {
        return c.html(<ConnectionEditForm conn={conn} errors={serviceFieldErrors(err)} values={values} />, 422);
      }
      return c.html(await accountsChanged(services, conn.provider));
    })
    .post("/partials/connections/:id/active", async (c) => {
      const conn = await view(c.req.param("id"));
      const form = await readForm(c);
      const parsed = z.enum(["true", "false"]).safeParse(form.get("isActive"));
      if (!parsed.success) throw new GatewayError("invalid_request", "isActive must be true or false.", { param: "isActive" });
      await updateConnectionById(services, conn.id, { isActive: parsed.data === "true" });
      return c.html(await accountsChanged(services, conn.provider));
    })
    .delete("/partials/connections/:id", async (c) => {
      const conn = await view(c.req.param("id"));
      await deleteConnectionById(services, conn.id);
      return c.html(await accountsChanged(services, conn.provider));
    })
    .post("/partials/connections/:id/test", async (c) => {
      const result = await testConnection(services, await requireConnection(services, c.req.param("id")));
      return c.html(<TestResult result={result} />);
    })

    .route("/", providerCustomPages(services))
    .route("/", providerOAuthPages(services));
}
