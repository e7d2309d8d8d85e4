// The Providers page's OAuth partials: start a login, finish it (pasted code, or polled), import a CLI's login (the same service as /api/oauth).
/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { completeLogin, importLogin, startLogin } from "../accounts/login-service.ts";
import type { Services } from "../services.ts";
import { ConnectedStep, DeviceStep, FailedStep, PkceStep } from "../../views/partials/oauth-connect.tsx";
import { ConnectedCount, ConnectionList } from "../../views/partials/providers.tsx";
import type { ConnectionView } from "../accounts/connection-service.ts";
import { readForm } from "./forms.ts";
import { connectionsOf, requireSpec } from "./provider-data.ts";

/** A refusal worth showing in the step (bad input, nothing to import, the login service unreachable); anything else is a bug. */
function userFacing(err: unknown): GatewayError {
  if (err instanceof GatewayError && (err.status < 500 || err.kind === "unreachable")) return err;
  throw err;
}

export function providerOAuthPages(services: Services) {
  /** The outcome, and the provider's account list and count kept current out of band. */
  const connected = async (connection: ConnectionView, renewed: boolean) => {
    const connections = await connectionsOf(services, connection.provider);
    return (
      <>
        <ConnectedStep conn={connection} renewed={renewed} />
        <ConnectionList providerId={connection.provider} connections={connections} oob />
        <ConnectedCount providerId={connection.provider} connections={connections} oob />
      </>
    );
  };

  return new Hono()
    .post("/partials/oauth/:provider/start", async (c) => {
      const spec = requireSpec(services, c.req.param("provider"));
      const method = (await readForm(c)).get("method") || undefined;
      try {
        const start = await startLogin(services, spec.id, method);
        return c.html(
          start.flow === "device" ? <DeviceStep providerId={spec.id} start={start} /> : <PkceStep providerId={spec.id} start={start} />,
        );
      } catch (err) {
        const e = userFacing(err);
        return c.html(<FailedStep providerId={spec.id} name={spec.name} error={e.message} />, e.status as 400);
      }
    })
    .post("/partials/oauth/:provider/complete", async (c) => {
      const spec = requireSpec(services, c.req.param("provider"));
      const form = await readForm(c);
      const state = z.string().min(1).max(200).safeParse(form.get("state"));
      if (!state.success) throw new GatewayError("invalid_request", "state is required.", { param: "state" });
      const code = form.get("code")?.trim();
      try {
        const outcome = await completeLogin(services, spec.id, { state: state.data, code: code || undefined });
        // Still waiting: no content, so the poller keeps polling and nothing on the page changes.
        if (outcome.status === "pending") return c.body(null, 204);
        if (outcome.status === "failed") return c.html(<FailedStep providerId={spec.id} name={spec.name} error={outcome.error} />);
        return c.html(await connected(outcome.connection, outcome.renewed));
      } catch (err) {
        const e = userFacing(err);
        return c.html(<FailedStep providerId={spec.id} name={spec.name} error={e.message} />, e.status as 400);
      }
    })
    .post("/partials/oauth/:provider/import", async (c) => {
      const spec = requireSpec(services, c.req.param("provider"));
      const pasted = (await readForm(c)).get("credentials")?.trim();
      try {
        let credentials: unknown;
        if (pasted) {
          try {
            credentials = JSON.parse(pasted);
          } catch {
            throw new GatewayError("invalid_request", "The pasted credential file is not valid JSON.", { param: "credentials" });
          }
        }
        const { connection, renewed } = await importLogin(services, spec.id, credentials);
        return c.html(await connected(connection, renewed));
      } catch (err) {
        const e = userFacing(err);
        return c.html(
          <p class="form-message error" role="alert">
            {e.message}
          </p>,
          e.status as 400,
        );
      }
    });
}
