// The base URLs clients are given in the wild, folded onto the routes the gateway serves: `/v1/v1/...`,
// `/anthropic/...`, `/openai/...`, and @ai-sdk/google's `/v1beta/{prefix}/{model}:generateContent`.
import { getPath } from "hono/utils/url";

/** Provider-style prefixes: a base URL copied from a provider's docs (`https://api.anthropic.com` -> `/anthropic`). */
const PROVIDER_PREFIXES = ["/anthropic", "/openai"] as const;
const GEMINI_METHOD = /:(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;

/**
 * The path the gateway routes (and answers errors for). Every client route is reachable under a doubled
 * version prefix (`/v1/v1/messages`: Claude Code with `/v1` in its base URL), under `/anthropic` or
 * `/openai` with or without `/v1`, and a Gemini model call without `models/` (the AI SDK leaves it out
 * when the model id has a slash) is routed as `/v1beta/models/{model}:{method}`.
 */
export function clientPath(path: string): string {
  for (const prefix of PROVIDER_PREFIXES) {
    if (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47 /* / */) {
      const rest = path.slice(prefix.length);
      path = rest.startsWith("/v1/") || rest.startsWith("/v1beta/") ? rest : `/v1${rest}`;
      break;
    }
  }
  if (path.startsWith("/v1/v1/") || path.startsWith("/v1beta/v1beta/")) path = path.slice(path.indexOf("/", 1));
  if (GEMINI_METHOD.test(path)) {
    const version = path.startsWith("/v1beta/") ? "/v1beta/" : path.startsWith("/v1/") ? "/v1/" : undefined;
    if (version && !path.startsWith("models/", version.length)) path = `${version}models/${path.slice(version.length)}`;
  }
  return path;
}

/** Hono's `getPath` option: the request's path as the client routes see it. */
export function routedPath(request: Request): string {
  return clientPath(getPath(request));
}
