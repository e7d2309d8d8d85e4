// One chat route handler for every ingress format: the request checked at the edge, pinned to a provider where the
// path says so, then served; a refusal before the pipeline leaves its usage row like any other request.
import type { Context } from "hono";
import type { AppEnv } from "../context.ts";
import { getFormat } from "../formats/registry.ts";
import type { FormatId, RouteHints } from "../formats/types.ts";
import type { Services } from "../services.ts";
import { serveChat } from "./chat-handler.ts";
import { receiveClientJson } from "./edge/client-request.ts";
import { pinModel, requirePinnedProvider } from "./provider-route.ts";
import { rowOnRefusal } from "./refusal-row.ts";

export function chatHandler(services: Services, formatId: FormatId, endpoint: string, hints?: (c: Context) => RouteHints) {
  const ingress = getFormat(formatId);
  return async function handleChat(c: Context<AppEnv>) {
    let body: Record<string, unknown> | undefined;
    let routeHints: RouteHints = {};
    let pinProvider: string | undefined;
    await rowOnRefusal(
      services,
      c,
      endpoint,
      () => routeHints.model ?? body?.model,
      async () => {
        routeHints = hints?.(c) ?? {};
        body = await receiveClientJson(c, ingress.validateRequest);
        const pinned = c.req.param("provider");
        if (pinned) {
          const spec = requirePinnedProvider(services, pinned);
          body.model = pinModel(services, spec, body.model);
          pinProvider = spec.id;
        }
      },
    );
    return serveChat(services, { c, ingress, endpoint, body: body!, hints: routeHints, pinProvider });
  };
}
