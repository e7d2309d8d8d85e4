// /api/oauth/{provider}: start a login, complete it (pasted code or device-code polling), or import the CLI's own credentials.
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { createOAuthConnection } from "../accounts/connection-service.ts";
import { flowFor } from "../providers/oauth/registry.ts";
import { flowContext } from "../providers/oauth/tokens.ts";
import type { OAuthFlow } from "../providers/oauth/types.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

function requireFlow(services: Services, name: string): OAuthFlow {
  const spec = services.providers.get(name);
  const flow = spec && flowFor(spec.id);
  if (!flow) throw new GatewayError("not_found", `Provider "${name}" has no OAuth login. OAuth providers: Claude Code, Codex, Gemini CLI, GitHub Copilot, Qwen, Kiro, iFlow.`, { code: "no_oauth_flow" });
  return flow;
}

/** A provider's auth server that cannot be reached is a 502 with the reason. */
async function reaching<T>(provider: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new GatewayError("unreachable", `Could not reach ${provider}'s login service: ${err instanceof Error ? err.message : String(err)}`, { code: "oauth_unreachable" });
  }
}

export function oauthRoutes(services: Services) {
  return new Hono()
    .post("/:provider/start", async (c) => {
      const flow = requireFlow(services, c.req.param("provider"));
      const { start, pending } = await reaching(flow.provider, () => flow.start(flowContext(services, flow.provider)));
      const state = services.loginSessions.open(flow.provider, pending, start.expiresIn ? start.expiresIn * 1000 : undefined);
      return c.json({ ...start, state });
    })
    .post("/:provider/complete", validate("json", z.object({ state: z.string().min(1), code: z.string().min(1).max(10_000).optional() }).strict()), async (c) => {
      const flow = requireFlow(services, c.req.param("provider"));
      const { state, code } = c.req.valid("json");
      const session = services.loginSessions.get(state, flow.provider);
      if (!session) throw new GatewayError("invalid_request", "This login has expired or was already used; start again.", { param: "state", code: "login_expired" });
      const result = await reaching(flow.provider, () => flow.complete(flowContext(services, flow.provider), session.pending, { code }));
      if (result.status === "pending") return c.json({ status: "pending" });
      services.loginSessions.close(state);
      if (result.status === "failed") return c.json({ status: "failed", error: result.error });
      return c.json({ status: "connected", connection: createOAuthConnection(services, flow.provider, result.credentials, result.profile) });
    })
    .post("/:provider/import", validate("json", z.object({ credentials: z.unknown().optional() }).strict()), async (c) => {
      const flow = requireFlow(services, c.req.param("provider"));
      if (!flow.importCli) throw new GatewayError("invalid_request", `${flow.provider} has no CLI credential file to import.`, { code: "no_cli_import" });
      const { credentials } = c.req.valid("json");
      const imported = await reaching(flow.provider, () => flow.importCli!(flowContext(services, flow.provider), credentials));
      if (!imported) throw new GatewayError("not_found", `No ${flow.provider} CLI credentials were found on this machine; log in with the official CLI first, or paste its credential file.`, { code: "cli_credentials_not_found" });
      return c.json({ connection: createOAuthConnection(services, flow.provider, imported.credentials, imported.profile) }, 201);
    });
}
