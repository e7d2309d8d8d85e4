// GET /metrics: the Prometheus exposition of this gateway, for a manage-scoped key as Bearer, or anyone when
// METRICS_PUBLIC=true (behind a private network).
import type { Context } from "hono";
import { GatewayError } from "../canonical/errors.ts";
import { presentedKey } from "../auth/client-auth.ts";
import type { Services } from "../services.ts";

export function metricsHandler(services: Services) {
  return async function metrics(c: Context) {
    if (!services.config.metricsPublic) {
      const secret = presentedKey(c.req.raw.headers, c.req.url);
      if (!secret) {
        throw new GatewayError(
          "authentication",
          "GET /metrics needs a manage-scoped API key as a Bearer token (or METRICS_PUBLIC=true on the gateway).",
          { code: "unauthenticated" },
        );
      }
      const key = services.apiKeys.authenticate(secret);
      if (!key) throw new GatewayError("authentication", "Invalid API key.", { code: "invalid_api_key" });
      if (!key.scopes.includes("manage")) {
        throw new GatewayError("permission", `API key "${key.name}" lacks the "manage" scope needed for /metrics.`, {
          code: "missing_scope",
        });
      }
    }
    const { body, contentType } = await services.telemetry.metrics.render();
    return c.body(body, 200, { "content-type": contentType, "cache-control": "no-store" });
  };
}
