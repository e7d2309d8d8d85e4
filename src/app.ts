// The Hono app: client routes (/v1, /v1beta), the management API (/api), health and readiness, and one onError.
import { Hono } from "hono";
import { authRoutes } from "./api/auth.ts";
import { keyRoutes } from "./api/keys.ts";
import { modelCatalogRoutes, providerModelRoutes } from "./api/provider-models.ts";
import { providerNodeRoutes } from "./api/provider-nodes.ts";
import { providerRoutes } from "./api/providers.ts";
import { settingsRoutes } from "./api/settings.ts";
import { settingsProxyRoutes } from "./api/settings-proxy.ts";
import { comboRoutes } from "./api/combos.ts";
import { healthRoutes } from "./api/health.ts";
import { resilienceRoutes } from "./api/resilience.ts";
import { translatorRoutes } from "./api/translator.ts";
import { pricingRoutes } from "./api/pricing.ts";
import { usageRoutes } from "./api/usage.ts";
import { oauthRoutes } from "./api/oauth.ts";
import { dbBackupRoutes } from "./api/db-backups.ts";
import { syncRoutes } from "./api/sync.ts";
import { configRoutes } from "./api/config.ts";
import { syncAfterWrites } from "./sync/notify.ts";
import { requireManagement } from "./auth/manage-auth.ts";
import { HTTPException } from "hono/http-exception";
import { GatewayError, kindForStatus } from "./canonical/errors.ts";
import { edge } from "./gateway/edge/edge.ts";
import type { AppEnv } from "./context.ts";
import { errorResponse } from "./gateway/error-response.ts";
import { readyzHandler } from "./api/readiness.ts";
import { metricsHandler } from "./api/metrics.ts";
import { storageError } from "./api/storage-errors.ts";
import { bareClientRoutes, clientRoutes } from "./gateway/routes.ts";
import { geminiRoutes } from "./gateway/gemini-routes.ts";
import { routedPath } from "./gateway/client-paths.ts";
import { log } from "./log.ts";
import { mountDashboard } from "./dashboard/index.tsx";
import type { Services } from "./services.ts";

export function createApp(services: Services) {
  // Routing sees the path with the base-URL variants clients use folded in (client-paths.ts).
  const app = new Hono<AppEnv>({ getPath: routedPath });

  // Before any route: request id, known host, per-address cap; every answer leaves with the security headers.
  app.use("*", edge(services));

  // Liveness: the process and its store answer. An unreachable PostgreSQL is /readyz's business (the instance keeps
  // serving from memory, and a restart would not bring the database back), so it shows here but stays 200.
  app.get("/healthz", (c) => {
    const store = services.storeProbe.last();
    const dead = store.kind === "sqlite" && !store.reachable;
    return c.json({ status: dead ? "error" : "ok", store: { kind: store.kind, reachable: store.reachable } }, dead ? 503 : 200);
  });
  app.get("/readyz", readyzHandler(services));
  app.get("/metrics", metricsHandler(services));

  // A change made through the API or the dashboard reaches the cloud within a second or so.
  app.use("/api/*", syncAfterWrites(services));
  app.use("/dashboard/*", syncAfterWrites(services));

  const api = new Hono<AppEnv>();
  api.use("*", requireManagement(services));
  api.route("/auth", authRoutes(services));
  api.route("/providers", providerRoutes(services));
  api.route("/provider-nodes", providerNodeRoutes(services));
  api.route("/provider-models", providerModelRoutes(services));
  api.route("/models", modelCatalogRoutes(services));
  api.route("/keys", keyRoutes(services));
  // Before /settings, so the more specific path is matched first.
  api.route("/settings/proxy", settingsProxyRoutes(services));
  api.route("/settings", settingsRoutes(services));
  api.route("/combos", comboRoutes(services));
  api.route("/resilience", resilienceRoutes(services));
  api.route("/health", healthRoutes(services));
  api.route("/translator", translatorRoutes(services));
  api.route("/usage", usageRoutes(services));
  api.route("/oauth", oauthRoutes(services));
  api.route("/pricing", pricingRoutes(services));
  api.route("/db-backups", dbBackupRoutes(services));
  api.route("/sync", syncRoutes(services));
  api.route("/config", configRoutes(services));
  app.route("/api", api);

  app.route("/v1", clientRoutes(services));
  app.route("/v1beta", geminiRoutes(services));
  // @google/genai defaults to /v1: its models/{model}:{method} calls land here too.
  app.route("/v1", geminiRoutes(services));
  app.route("/", bareClientRoutes(services));

  mountDashboard(app, services);

  app.notFound((c) =>
    errorResponse(c.req.path, new GatewayError("not_found", `No route for ${c.req.method} ${c.req.path}.`, { code: "route_not_found" })),
  );
  app.onError(async (thrown, c) => {
    // Hono's own 4xx (a validator's, a body limit's) keep their status instead of becoming a 500.
    const err =
      thrown instanceof HTTPException && thrown.status < 500
        ? new GatewayError(kindForStatus(thrown.status), thrown.message, { status: thrown.status })
        : thrown;
    // A write the database could not take (a full disk) is a 507/503 saying so, not a 500 (logged by the writers).
    const storage = storageError(err, c.req.path, services.store.dialect === "sqlite" ? services.config.dataDir : services.store.where);
    if (!(err instanceof GatewayError) && !storage) log.error(`${c.req.method} ${c.req.path} failed`, err);
    // A failed request's usage row is on disk before its answer leaves, like a successful one's.
    await services.usage.written();
    return errorResponse(c.req.path, storage ?? err);
  });
  return app;
}
