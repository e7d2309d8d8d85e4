// /api/oauth/{provider}: start a login, complete it (pasted code or device-code polling), or import the CLI's own credentials.
import { Hono } from "hono";
import { z } from "zod";
import { listFlows } from "../providers/login-flows.ts";
import { completeLogin, importLogin, startLogin } from "../accounts/login-service.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";
import { GatewayError } from "../canonical/errors.ts";

const StartSchema = z.object({ method: z.string().min(1).max(50).optional() }).strict();

/** The sign-in method a start body names: none for an empty body or `{}`; anything else must be `{"method": "..."}`. */
function startMethod(text: string): string | undefined {
  if (!text.trim()) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = StartSchema.safeParse(body);
  if (!parsed.success)
    throw new GatewayError("invalid_request", 'The body must be empty, {} or {"method": "<one of GET /api/oauth\'s methods>"}.', {
      param: "method",
      code: "invalid_json",
    });
  return parsed.data.method;
}

export function oauthRoutes(services: Services) {
  return new Hono()
    .get("/", (c) =>
      c.json({
        data: listFlows().map((f) => ({
          provider: f.provider,
          flow: f.kind,
          cliImport: Boolean(f.importCli),
          ...(f.methods ? { methods: f.methods } : {}),
        })),
      }),
    )
    .post("/:provider/start", async (c) => {
      // The body is optional: {method?} picks one of the provider's sign-in methods (GET /api/oauth lists them).
      const { provider: _provider, ...start } = await startLogin(services, c.req.param("provider"), startMethod(await c.req.text()));
      return c.json(start);
    })
    .post(
      "/:provider/complete",
      validate("json", z.object({ state: z.string().min(1), code: z.string().min(1).max(10_000).optional() }).strict()),
      async (c) => {
        const outcome = await completeLogin(services, c.req.param("provider"), c.req.valid("json"));
        if (outcome.status !== "connected") return c.json(outcome);
        return c.json({ status: "connected", connection: outcome.connection, renewed: outcome.renewed });
      },
    )
    .post("/:provider/import", validate("json", z.object({ credentials: z.unknown().optional() }).strict()), async (c) => {
      const { connection, renewed } = await importLogin(services, c.req.param("provider"), c.req.valid("json").credentials);
      return c.json({ connection, renewed }, renewed ? 200 : 201);
    });
}
