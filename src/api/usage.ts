// /api/usage: grouped totals (raw rows + daily rollups), the request log (cursor paging), stored bodies and budgets.
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { listUsageLogs, sumUsage } from "../db/queries/usage.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

/** A moment as epoch ms or an ISO date/time. */
const Moment = z.string().transform((v, ctx) => {
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: "custom", message: "must be an ISO date (2026-11-01) or epoch milliseconds" });
    return z.NEVER;
  }
  return n;
});

/** POST /api/usage/budget; a configuration file's `keys[].budget` takes the same fields but keyId. */
export const BudgetSchema = z
  .object({
    keyId: z.string().min(1),
    limit: z.number().positive().max(1_000_000),
    period: z.enum(["daily", "weekly", "monthly"]),
    warnAt: z.number().gt(0).max(1).optional(),
  })
  .strict();

export function usageRoutes(services: Services) {
  return new Hono()
    .get(
      "/",
      validate(
        "query",
        z.object({
          groupBy: z.enum(["provider", "model", "key", "day"]).default("provider"),
          from: Moment.optional(),
          to: Moment.optional(),
        }),
      ),
      async (c) => {
        const q = c.req.valid("query");
        return c.json((await sumUsage(services.store, q)).map((r) => ({ ...r, costUsd: Math.round(r.costUsd * 1e6) / 1e6 })));
      },
    )
    .get(
      "/logs",
      validate(
        "query",
        z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), cursor: z.coerce.number().int().min(1).optional() }),
      ),
      async (c) => {
        const { limit, cursor } = c.req.valid("query");
        const rows = await listUsageLogs(services.store, { limit, before: cursor });
        return c.json({ data: rows, nextCursor: rows.length === limit ? rows.at(-1)!.id : null });
      },
    )
    .get("/logs/:requestId/body", (c) => {
      const logs = services.requestLogs;
      if (!logs)
        throw new GatewayError(
          "not_found",
          "Request logs are off: start with ENABLE_REQUEST_LOGS=true to keep request and response bodies.",
          { code: "request_logs_disabled" },
        );
      const requestId = c.req.param("requestId");
      const entry = logs.get(requestId);
      if (!entry)
        throw new GatewayError("not_found", `No stored bodies for request "${requestId}" (not logged, or past retention).`, {
          code: "request_log_not_found",
        });
      return c.json(entry);
    })
    .get("/budget", (c) => c.json(services.budgets.list()))
    .post("/budget", validate("json", BudgetSchema), async (c) => {
      const input = c.req.valid("json");
      if (!services.apiKeys.list().some((k) => k.id === input.keyId)) {
        throw new GatewayError("invalid_request", `No API key with id "${input.keyId}".`, { param: "keyId" });
      }
      return c.json(await services.budgets.set(input.keyId, input.period, input.limit, input.warnAt), 201);
    })
    .delete(
      "/budget",
      validate("query", z.object({ keyId: z.string().min(1), period: z.enum(["daily", "weekly", "monthly"]) })),
      async (c) => {
        const { keyId, period } = c.req.valid("query");
        if (!(await services.budgets.remove(keyId, period)))
          throw new GatewayError("not_found", `Key "${keyId}" has no ${period} budget.`, { code: "budget_not_found" });
        return c.body(null, 204);
      },
    );
}
