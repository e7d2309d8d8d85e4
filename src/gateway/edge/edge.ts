// The edge every request crosses first, as one middleware: it gets its request id, a foreign Host (DNS rebinding)
// reaches nothing (421), one address cannot hold every connection (429, slowloris), and every answer leaves with
// its request id and the browser security headers. One async step instead of four: the chain is paid per request.
import type { MiddlewareHandler } from "hono";
import { hostCheck } from "../../auth/known-hosts.ts";
import type { AppEnv } from "../../context.ts";
import type { Services } from "../../services.ts";
import { errorResponse } from "../error-response.ts";
import { inMemoryOpenRequests, tooManyConnections } from "./connection-cap.ts";
import { addSecurityHeaders } from "./security-headers.ts";

export function edge(services: Services): MiddlewareHandler<AppEnv> {
  const { config } = services;
  const foreignHost = hostCheck(config);
  const maxPerAddress = config.maxConnectionsPerIp;
  const open = inMemoryOpenRequests(maxPerAddress);
  return async function edge(c, next) {
    const id = Bun.randomUUIDv7();
    c.set("requestId", id);
    c.set("services", services);
    const refused = foreignHost(c.req.header("host") ?? new URL(c.req.url).host);
    // Counted from arrival until the answer starts (see connection-cap.ts); 0 turns the cap off.
    const address = maxPerAddress > 0 && !refused ? c.env?.server?.requestIP(c.req.raw)?.address : undefined;
    if (refused) c.res = errorResponse(c.req.path, refused);
    else if (address && !open.enter(address)) c.res = errorResponse(c.req.path, tooManyConnections(address, maxPerAddress));
    else {
      try {
        await next();
      } finally {
        if (address) open.leave(address);
      }
    }
    // On the response itself: c.header() once the handler has answered rebuilds the Response around its body.
    const headers = c.res.headers;
    headers.set("x-omniroute-request-id", id);
    addSecurityHeaders(headers, c.req.path);
  };
}
