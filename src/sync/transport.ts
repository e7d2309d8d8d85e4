// HTTP calls to the cloud's /api/sync/state: each with a timeout, each failure turned into one sentence a person can act on.
import type { z } from "zod";
import type { CloudSyncConfig } from "../config.ts";
import {
  PullResponseSchema,
  PushResponseSchema,
  SpaceResponseSchema,
  type PullResponse,
  type PushDocument,
  type PushResponse,
  type SpaceResponse,
} from "./protocol.ts";

export class CloudSyncError extends Error {
  override name = "CloudSyncError";
}

export interface CloudTransport {
  /** The space's salt (the cloud creates it on first use). */
  space(): Promise<SpaceResponse>;
  pull(since: number): Promise<PullResponse>;
  push(documents: PushDocument[]): Promise<PushResponse>;
}

/** The cloud's URL as shown to people: no user or password that may have been written into it. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}

function errorMessageOf(body: unknown): string | undefined {
  if (body && typeof body === "object" && "error" in body) {
    const error = (body as { error: unknown }).error;
    if (error && typeof error === "object" && "message" in error && typeof error.message === "string") return error.message;
  }
  return undefined;
}

/** `stop` aborts calls in flight (shutdown); each call also gives up after `config.timeoutMs`. */
export function createCloudTransport(config: CloudSyncConfig, stop: AbortSignal): CloudTransport {
  const shown = displayUrl(config.url);

  async function call<S extends z.ZodType>(method: "GET" | "PUT" | "POST", path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    const timeout = AbortSignal.timeout(config.timeoutMs);
    let res: Response;
    try {
      res = await fetch(`${config.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${config.apiKey}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any([timeout, stop]),
        redirect: "error",
      });
    } catch (err) {
      if (timeout.aborted) throw new CloudSyncError(`The cloud (${shown}) did not answer within ${config.timeoutMs} ms.`);
      if (stop.aborted) throw new CloudSyncError("Sync stopped.");
      throw new CloudSyncError(`Cannot reach the cloud at ${shown}: ${err instanceof Error ? err.message : String(err)}.`);
    }
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const detail = errorMessageOf(parsed) ?? res.statusText;
      if (res.status === 401 || res.status === 403) {
        throw new CloudSyncError(
          `The cloud (${shown}) refused CLOUD_API_KEY (${res.status}): ${detail} It needs an API key with the "sync" (or "manage") scope created on the cloud instance.`,
        );
      }
      if (res.status === 404) {
        throw new CloudSyncError(
          `The cloud (${shown}) has no sync API at ${path.split("?")[0]} (404): is CLOUD_URL an OmniRoute instance, of this version or later?`,
        );
      }
      throw new CloudSyncError(`The cloud (${shown}) answered ${res.status}: ${detail}`);
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success)
      throw new CloudSyncError(
        `The cloud (${shown}) answered with something that is not a sync response (${checked.error.issues[0]?.message ?? "unreadable"}).`,
      );
    return checked.data;
  }

  const space = encodeURIComponent(config.space);
  return {
    space: () => call("POST", "/api/sync/space", SpaceResponseSchema, { space: config.space }),
    pull: (since) => call("GET", `/api/sync/state?space=${space}&since=${since}`, PullResponseSchema),
    push: (documents) => call("PUT", "/api/sync/state", PushResponseSchema, { space: config.space, documents }),
  };
}
