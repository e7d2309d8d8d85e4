// Gemini CLI adapter: fresh Google token, the account's Code Assist project, the v1internal envelope on and off.
import type { Credentials } from "../../accounts/pool.ts";
import { GatewayError } from "../../canonical/errors.ts";
import type { AdapterContext, PreparedCall, ProviderAdapter } from "../adapters/types.ts";
import { geminiCliFlow } from "./login.ts";
import { codeAssistUrl, unwrapResponse, wrapRequest } from "./envelope.ts";
import { setupCodeAssist } from "./project.ts";
import { readQuotaError } from "./quota.ts";

/** Anything that keeps an account from being called is an authentication failure: the account cools, the combo moves on. */
function asAccountFailure(err: unknown, what: string): GatewayError {
  if (err instanceof GatewayError && err.kind === "authentication") return err;
  return new GatewayError("authentication", `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

async function credentialsFor(ctx: AdapterContext, force = false): Promise<Credentials> {
  try {
    return await ctx.credentials.fresh(geminiCliFlow, { force });
  } catch (err) {
    throw asAccountFailure(err, `Could not refresh the Google token of "${ctx.account.name}"`);
  }
}

function codeAssistBase(ctx: AdapterContext): string {
  return (ctx.account.baseUrl ?? ctx.flow.endpoint("codeAssist")).replace(/\/+$/, "");
}

/** The account's Code Assist project: cached, else from its metadata, else set up now (once at a time) and saved there. */
async function projectOf(state: ProjectCache, ctx: AdapterContext, base: string, accessToken: string): Promise<string> {
  const { projects, settingUp } = state;
  const id = ctx.account.id;
  const cached = projects.get(id);
  if (cached) return cached;
  const saved = ctx.metadata.read()?.projectId;
  if (typeof saved === "string" && saved) {
    projects.set(id, saved);
    return saved;
  }
  let running = settingUp.get(id);
  if (!running) {
    running = (async () => {
      try {
        const project = await setupCodeAssist({ base, accessToken, signal: ctx.signal, sleep: ctx.flow.sleep });
        await ctx.metadata.update(({ setupError: _old, ...metadata }) => ({
          ...metadata,
          projectId: project.projectId,
          tierId: project.tierId,
          plan: project.tierName ?? project.tierId,
        }));
        projects.set(id, project.projectId);
        return project.projectId;
      } finally {
        settingUp.delete(id);
      }
    })();
    settingUp.set(id, running);
  }
  try {
    return await running;
  } catch (err) {
    throw asAccountFailure(err, `Gemini Code Assist is not set up for "${ctx.account.name}"`);
  }
}

/** A 429 that says the day's quota is gone marks the daily window used up until it resets; its wait becomes Retry-After. */
async function readRateLimit(response: Response, ctx: AdapterContext): Promise<Response> {
  const text = await response.text();
  const now = Date.now();
  const verdict = readQuotaError(text, now);
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  if (verdict.daily) ctx.reportQuota([verdict.daily], now);
  const waitUntil =
    verdict.daily?.resetsAt ?? (verdict.retryAfterSeconds !== undefined ? now + verdict.retryAfterSeconds * 1000 : undefined);
  if (waitUntil !== undefined && !headers.has("retry-after"))
    headers.set("retry-after", String(Math.max(1, Math.ceil((waitUntil - now) / 1000))));
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
}

/** Project ids by connection id, read once from the connection's metadata (where they are kept), per gateway. */
interface ProjectCache {
  projects: Map<string, string>;
  settingUp: Map<string, Promise<string>>;
}

export interface GeminiCliAdapter extends ProviderAdapter {
  /** Tests: forget cached project ids (the database keeps them). */
  forgetProjects(): void;
}

export function createGeminiCliAdapter(): GeminiCliAdapter {
  const state: ProjectCache = { projects: new Map(), settingUp: new Map() };
  return {
    async prepare(call: PreparedCall, ctx: AdapterContext): Promise<PreparedCall> {
      const credentials = await credentialsFor(ctx);
      // An access token pasted as the connection's API key is used as it is (until it expires: then "needs login").
      const token = String(credentials.accessToken ?? credentials.apiKey ?? "");
      const base = codeAssistBase(ctx);
      const project = await projectOf(state, ctx, base, token);
      return {
        url: codeAssistUrl(base, ctx.stream),
        headers: { ...call.headers, authorization: `Bearer ${token}` },
        body: wrapRequest(ctx.model, project, call.body),
      };
    },

    async wrapResponse(response, ctx) {
      if (response.status === 429) return readRateLimit(response, ctx);
      if (!response.ok) return response;
      return unwrapResponse(response, ctx.stream, ctx.signal);
    },

    async refreshAfterUnauthorized(ctx) {
      await credentialsFor(ctx, true);
      return true;
    },

    forgetProjects() {
      state.projects.clear();
    },
  };
}
