// At most N requests in progress per client address (MAX_CONNECTIONS_PER_IP): a client that opens connections and
// trickles their bodies (slowloris) holds its own N, not the gateway's every socket. Over HTTP/1.1 a connection
// carries one request at a time, so requests in progress are the connections an address keeps busy.
import { GatewayError } from "../../canonical/errors.ts";

/** Requests in progress per address. In memory: connections belong to this process, whatever store the rest uses. */
export interface OpenRequestCounter {
  /** Counts one more for `address`; false (and nothing counted) when it already has `max`. */
  enter(address: string): boolean;
  leave(address: string): void;
}

export function inMemoryOpenRequests(max: number): OpenRequestCounter {
  const open = new Map<string, number>();
  return {
    enter(address) {
      const now = open.get(address) ?? 0;
      if (now >= max) return false;
      open.set(address, now + 1);
      return true;
    },
    leave(address) {
      const now = open.get(address) ?? 0;
      if (now <= 1) open.delete(address);
      else open.set(address, now - 1);
    },
  };
}

/**
 * A request counts from its arrival until its answer starts (its body read, its upstream's first byte or its
 * whole answer in hand); a stream then flowing is no longer counted. The edge (edge.ts) enters and leaves.
 */
export function tooManyConnections(address: string, max: number): GatewayError {
  return new GatewayError(
    "rate_limit",
    `Too many requests in progress from ${address} (at most ${max}, MAX_CONNECTIONS_PER_IP); retry when one has finished.`,
    { code: "too_many_connections", retryAfter: 1 },
  );
}
